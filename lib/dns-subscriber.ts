import { Aws, Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { patterns } from '../functions/events/domain/event-patterns.js';
import { markerName } from '../functions/events/domain/dns-primary.js';
import type { SubscriptionDef } from '../functions/lambdas/subscriptions.js';
import { GatewayFunction } from './gateway-function.js';

/**
 * The DNS subscriber (`-c dnsHostedZoneId=... -c dnsRecordName=...`): its Lambda may list the zone
 * and change exactly two records there, the group's CNAME and its marker TXT, and read the group
 * state item (the nodes' recorded URLs), nothing else.
 */
export function dnsSubscriber(
  scope: Construct,
  dns: { hostedZoneId: string; recordName: string; nodeIds: string[] },
  table: { readonly tableName: string; readonly tableArn: string },
): { sub: Omit<SubscriptionDef, 'handler'>; fn: GatewayFunction } {
  const fn = new GatewayFunction(scope, 'SubscriberDnsFollowsPrimary', {
    entry: 'lambdas/subscribers/dns-follows-primary',
    timeout: Duration.seconds(30),
    memorySize: 128,
    // The nodes it may follow; their URLs it reads from the group state their agents keep.
    environment: { DNS_HOSTED_ZONE_ID: dns.hostedZoneId, DNS_RECORD_NAME: dns.recordName, DNS_NODE_IDS: dns.nodeIds.join(','), TABLE_NAME: table.tableName },
  });
  fn.allow(['dynamodb:GetItem'], [table.tableArn], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['GROUP'] } });
  const zone = `arn:${Aws.PARTITION}:route53:::hostedzone/${dns.hostedZoneId}`;
  fn.allow(['route53:ListResourceRecordSets'], [zone]);
  fn.allow(['route53:ChangeResourceRecordSets'], [zone], {
    'ForAllValues:StringEquals': {
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': [dns.recordName, markerName(dns.recordName)],
      'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'TXT'],
    },
  });
  return { sub: { id: 'DnsFollowsPrimary', pattern: patterns.gatewayNodePromoted }, fn };
}
