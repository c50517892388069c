import type { Route53Client } from '@aws-sdk/client-route-53';
import { documentClient } from '../../adapters/dynamo.js';
import { DynamoGroupStore } from '../../adapters/group-store.js';
import { logger } from '../../kernel/logger.js';
import { decide, markerName, markerValue, parseMarker, targetHost } from '../../events/domain/dns-primary.js';
import { readTxt, route53, swapRecord } from '../../adapters/route53-record.js';
import type { NodeRoleChanged } from '../../events/domain/events.js';
import { subscriber } from '../../events/subscriber.js';
import { environment, tableName, type Environment } from '../../wiring/environment.js';

/**
 * Sample subscriber (deployed with `-c dnsHostedZoneId=... -c dnsRecordName=...`): when a gateway
 * node becomes PRIMARY, the group's API name (a CNAME) is pointed at that node's API. Idempotent on
 * the event id, and an older epoch never wins over a newer one (see functions/domain/dns-primary.ts).
 * Any other error (throttling past the SDK's retries, a missing zone) throws, so EventBridge
 * retries the event and finally dead-letters it.
 *
 * An event is a claim, not configuration: the name is pointed only at a configured node
 * (DNS_NODE_IDS, set by CDK from the group's nodes), and only at the API URL that node's group
 * agent recorded in the group state (from the NODE_URL CDK gave it). An event naming another node
 * or another URL is refused and logged, never followed.
 */
export interface DnsSettings {
  zoneId: string;
  recordName: string;
  ttl: number;
  /** The group's node ids; empty: none is followed. */
  nodeIds: string[];
}

/** Where a node's API is, as the group state records it (its agent's NODE_URL). */
export type NodeUrlOf = (nodeId: string) => Promise<string | null | undefined>;

export function dnsSettings(env: Environment = environment()): DnsSettings {
  const zoneId = env.DNS_HOSTED_ZONE_ID ?? '';
  const recordName = env.DNS_RECORD_NAME ?? '';
  const ttl = Number(env.DNS_RECORD_TTL ?? 30);
  if (!/^[A-Z0-9]{1,32}$/.test(zoneId)) throw new Error('DNS_HOSTED_ZONE_ID must be a Route 53 hosted zone id');
  if (!/^[A-Za-z0-9_.-]{1,253}$/.test(recordName)) throw new Error('DNS_RECORD_NAME must be a DNS name');
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new Error('DNS_RECORD_TTL must be 1 to 86400 seconds');
  const nodeIds = (env.DNS_NODE_IDS ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (nodeIds.some((n) => !/^[A-Za-z0-9_-]{1,32}$/.test(n))) throw new Error('DNS_NODE_IDS must be the group node ids, comma-separated');
  return { zoneId, recordName, ttl, nodeIds };
}

export type DnsOutcome = 'ignored' | 'refused' | 'updated' | 'duplicate' | 'stale';

/** Points the record at the node the event promoted, unless this event (or a newer one) already did. */
export async function followPrimary(client: Route53Client, s: DnsSettings, detail: NodeRoleChanged, eventId: string, urlOf: NodeUrlOf): Promise<DnsOutcome> {
  if (detail.node.kind !== 'gateway' || detail.new !== 'PRIMARY') return 'ignored';
  if (!s.nodeIds.includes(detail.node.id)) {
    logger.warn('dns: refused an event naming a node that is not in the group', { node: detail.node.id.slice(0, 64), eventId });
    return 'refused';
  }
  const recorded = await urlOf(detail.node.id);
  // Thrown, not skipped: a node without a URL is a deployment error an operator must see (dead letters).
  const target = targetHost(recorded ?? null);
  if (!target) throw new Error(`gateway node ${detail.node.id} has no API URL to point ${s.recordName} at`);
  if (detail.node.url !== recorded) {
    logger.warn('dns: refused an event whose node URL is not the one the group records', { node: detail.node.id, eventId });
    return 'refused';
  }
  const name = markerName(s.recordName);
  for (let attempt = 0; attempt < 5; attempt++) {
    const previous = await readTxt(client, s.zoneId, name);
    const applied = parseMarker(previous?.ResourceRecords?.[0]?.Value);
    const decision = decide(applied, { epoch: detail.epoch, eventId });
    if (decision.kind !== 'apply') return decision.kind;
    const marker = markerValue({ epoch: detail.epoch, eventId, node: detail.node.id });
    const swapped = await swapRecord(client, s.zoneId, {
      recordName: s.recordName,
      target,
      ttl: s.ttl,
      markerName: name,
      marker,
      previous,
      comment: `gateway node ${detail.node.id} is Primary (epoch ${detail.epoch})`,
    });
    if (swapped) return 'updated';
    // The marker changed under us (another delivery): decide again on what it is now.
  }
  throw new Error(`${s.recordName}: the marker kept changing; retrying the event later`);
}

let settings: DnsSettings | undefined;
let groupStore: DynamoGroupStore | undefined;

/** The URL a node's agent recorded (one consistent read of the group item). */
const recordedUrl: NodeUrlOf = async (nodeId) => {
  groupStore ??= new DynamoGroupStore(documentClient, tableName());
  return (await groupStore.get())?.members[nodeId]?.url;
};

export const handler = subscriber('NODE_ROLE_CHANGED', async (detail, event) => {
  settings ??= dnsSettings();
  const eventId = detail.eventId ?? event.id;
  const outcome = await followPrimary(route53, settings, detail, eventId, recordedUrl);
  if (outcome !== 'ignored') logger.info('dns record follows the Primary', { outcome, record: settings.recordName, node: detail.node.id, epoch: detail.epoch, eventId });
});
