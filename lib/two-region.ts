import { Arn, ArnFormat, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { App } from 'aws-cdk-lib';
import { addSubscribers, type GatewayData, type GatewayDataRefs } from './gateway-data.js';
import { credentialKeyPolicy } from './credential-key-policy.js';
import { GatewayNode } from './gateway-node.js';
import { GatewayNodeStack, GatewaySharedStack, edge, keyUsers, networkOf } from './gateway-stack.js';
import type { GatewayNetwork } from './network.js';
import type { GatewaySettings } from './settings.js';

/**
 * The shared data as seen from the group's second region (`-c regions=<a's>,<b's>`): the MRSC
 * table's replica here, the replicas of the secrets, a replica of the multi-Region credential key,
 * and this region's own event bus with its subscribers. Everything from the first region (the
 * table's name, the secrets' and the key's ARNs) crosses as a CDK cross-region reference, which
 * CDK passes through SSM parameters in this region: nothing is hard-coded or typed in.
 */
export class RegionalGatewayData extends Construct implements GatewayDataRefs {
  readonly table: dynamodb.ITableV2;
  readonly bus: events.EventBus;
  readonly secret: secrets.ISecret;
  readonly tenantTokenKey: secrets.ISecret;
  readonly originVerifySecret?: secrets.ISecret;
  readonly credentialKey: { keyArn: string };
  readonly deadLetterAlarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: { home: GatewayData; keyUserRoleNames: string[]; dns?: GatewaySettings['dns'] }) {
    super(scope, id);
    const region = Stack.of(this).region;
    const { home } = props;
    if (!(home.table instanceof dynamodb.TableV2)) throw new Error('A second region needs the shared data built with `regions` (an MRSC global table).');
    this.table = home.table.replica(region);
    // A replica secret has the primary's name and suffix, in this region.
    const replica = (cid: string, s: secrets.ISecret) => secrets.Secret.fromSecretCompleteArn(this, cid, Arn.format({ ...Arn.split(s.secretArn, ArnFormat.COLON_RESOURCE_NAME), region }));
    this.secret = replica('ServiceSecret', home.secret);
    this.tenantTokenKey = replica('TenantTokenKey', home.tenantTokenKey);
    if (home.originVerifySecret) this.originVerifySecret = replica('OriginVerifySecret', home.originVerifySecret);
    // Same key material as the primary (a multi-Region key): the wrapped data key in the table
    // unwraps here even when the first region is gone.
    const key = new kms.CfnReplicaKey(this, 'CredentialKeyReplica', {
      primaryKeyArn: home.credentialKey.keyArn,
      description: 'Failover Gateway: replica of the key wrapping the data key that encrypts BAM credentials at rest',
      keyPolicy: credentialKeyPolicy(this, props.keyUserRoleNames).toJSON(),
      enabled: true,
    });
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.credentialKey = { keyArn: key.attrArn };
    // This region's own bus: its node publishes here, and its subscribers get what it publishes.
    this.bus = new events.EventBus(this, 'Bus');
    this.deadLetterAlarms = addSubscribers(this, this.bus, this.table, props.dns);
  }
}

export interface GatewayRegionNodeStackProps extends StackProps {
  settings: GatewaySettings;
  home: GatewayData;
  /** The node stacks' names: the replica key's policy names their key-using roles. */
  keyUserRoleNames: string[];
  webAclArn?: string;
  /** The built web UI, served by this node's distribution. */
  uiAssetsDir?: string;
}

/** A node of a two-region group in the second region, on the regional view of the shared data. */
export class GatewayRegionNodeStack extends Stack {
  readonly data: RegionalGatewayData;
  readonly gateway: GatewayNode;
  /** This region's own VPC (settings.vpcs[1]: the `.<region>` context keys). */
  readonly network?: GatewayNetwork;

  constructor(scope: Construct, id: string, props: GatewayRegionNodeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    this.data = new RegionalGatewayData(this, 'Data', { home: props.home, keyUserRoleNames: props.keyUserRoleNames, ...(props.settings.dns ? { dns: props.settings.dns } : {}) });
    this.network = networkOf(this, props.settings.vpcs[1], this.data);
    this.gateway = new GatewayNode(this, 'Node', { data: this.data, settings: props.settings, network: this.network });
    new CfnOutput(this, 'ApiUrl', { value: this.gateway.api.apiEndpoint });
    new CfnOutput(this, 'EventBusName', { value: this.data.bus.eventBusName });
    edge(this, this.gateway, this.data, props.webAclArn, props.uiAssetsDir);
  }
}

/**
 * The group in two regions (`-c nodes=a,b -c regions=<a's>,<b's> -c witnessRegion=<third>`): the
 * shared stack and the first node in the first region, the second node in the second, the MRSC
 * table's witness in the third. Cross-region values travel as CDK cross-region references (SSM).
 */
export function twoRegionGroup(app: App, name: string, settings: GatewaySettings, opts: { account?: string; webAclArn: string; uiAssetsDir?: string }) {
  const nodeStacks = settings.nodes.map((nodeId) => `${name}-node-${nodeId}`);
  const shared = new GatewaySharedStack(app, `${name}-shared`, { settings, env: { account: opts.account, region: settings.regions[0] }, crossRegionReferences: true, edge: true });
  const nodes = settings.nodes.map((nodeId, i) => {
    const props = {
      settings: { ...settings, nodeId },
      env: { account: opts.account, region: settings.regions[i] },
      webAclArn: opts.webAclArn,
      ...(opts.uiAssetsDir ? { uiAssetsDir: opts.uiAssetsDir } : {}),
    };
    return i === 0
      ? new GatewayNodeStack(app, nodeStacks[i]!, { ...props, data: shared.data, network: shared.network, crossRegionReferences: true })
      : new GatewayRegionNodeStack(app, nodeStacks[i]!, { ...props, home: shared.data, keyUserRoleNames: keyUsers(nodeStacks) });
  });
  return { shared, nodes };
}
