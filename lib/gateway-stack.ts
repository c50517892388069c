import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GatewayData, type GatewayDataRefs } from './gateway-data.js';
import { GatewayNode, KEY_USERS } from './gateway-node.js';
import { functionRoleName } from './gateway-function.js';
import { GatewayEdge } from './edge.js';
import type { GatewaySettings } from './settings.js';
import { GatewayNetwork } from './network.js';
import type { VpcSettings } from './network-settings.js';
import { apiFunctions } from '../functions/kernel/route-table.js';

export interface GatewayStackProps extends StackProps {
  settings: GatewaySettings;
  /** The edge web ACL (lib/edge.ts): given, the API gets a CloudFront distribution behind it. */
  webAclArn?: string;
  /** The built web UI (ui/dist), deployed to the edge's assets bucket; absent: the bucket stays empty. */
  uiAssetsDir?: string;
}

/** A single gateway: its data and one node, in one stack (`npx cdk deploy`). */
export class GatewayStack extends Stack {
  readonly data: GatewayData;
  readonly gateway: GatewayNode;
  readonly network?: GatewayNetwork;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    this.data = new GatewayData(this, 'Data', {
      serviceUsername: props.settings.serviceUsername,
      keyUserRoleNames: keyUsers([this.stackName]),
      originVerify: Boolean(props.webAclArn),
      ...dnsOf(props.settings),
    });
    this.network = networkOf(this, props.settings.vpcs[0], this.data);
    this.gateway = new GatewayNode(this, 'Node', { data: this.data, settings: props.settings, network: this.network });
    outputs(this, this.data, this.gateway);
    edge(this, this.gateway, this.data, props.webAclArn, props.uiAssetsDir);
  }
}

/**
 * The availability group's shared part: table, bus, subscribers, secret, key (`-c nodes=a,b`). With
 * `-c regions=...` it lives in the first region, its table an MRSC global table (lib/two-region.ts).
 */
export class GatewaySharedStack extends Stack {
  readonly data: GatewayData;
  /** The first region's VPC, for the node stacks there (`network` of GatewayNodeStack). */
  readonly network?: GatewayNetwork;

  /** `nodeStackNames`: the node stacks' names (default: bin/app.ts's `<name>-node-<id>` for `<name>-shared`). */
  /** `edge`: the node stacks get the CloudFront edge (their origin-verify secret lives here). */
  constructor(scope: Construct, id: string, props: GatewayStackProps & { nodeStackNames?: string[]; edge?: boolean }) {
    super(scope, id, props);
    const nodeStacks = props.nodeStackNames ?? props.settings.nodes.map((n) => `${this.stackName.replace(/-shared$/, '')}-node-${n}`);
    const [, replica] = props.settings.regions;
    const regions = replica && props.settings.witnessRegion ? { regions: { replica, witness: props.settings.witnessRegion } } : {};
    this.data = new GatewayData(this, 'Data', {
      serviceUsername: props.settings.serviceUsername,
      keyUserRoleNames: keyUsers(nodeStacks),
      originVerify: props.edge === true,
      ...dnsOf(props.settings),
      ...regions,
    });
    this.network = networkOf(this, props.settings.vpcs[0], this.data);
    new CfnOutput(this, 'ServiceSecretArn', { value: this.data.secret.secretArn });
    new CfnOutput(this, 'EventBusName', { value: this.data.bus.eventBusName });
    tokenOutputs(this, this.data);
  }
}

/** One node of the availability group, on the shared stack's data. */
export class GatewayNodeStack extends Stack {
  readonly gateway: GatewayNode;

  /** `network`: the region's VPC, built by the shared stack (GatewaySharedStack.network). */
  constructor(scope: Construct, id: string, props: GatewayStackProps & { data: GatewayDataRefs; network?: GatewayNetwork | undefined }) {
    super(scope, id, props);
    this.gateway = new GatewayNode(this, 'Node', { data: props.data, settings: props.settings, network: props.network });
    new CfnOutput(this, 'ApiUrl', { value: this.gateway.api.apiEndpoint });
    edge(this, this.gateway, props.data, props.webAclArn, props.uiAssetsDir);
  }
}

function outputs(stack: Stack, data: GatewayData, node: GatewayNode) {
  new CfnOutput(stack, 'ApiUrl', { value: node.api.apiEndpoint });
  new CfnOutput(stack, 'ServiceSecretArn', { value: data.secret.secretArn });
  new CfnOutput(stack, 'EventBusName', { value: data.bus.eventBusName });
  tokenOutputs(stack, data);
}

/** What `npm run user-manager -- --table ... --secret-arn ...` needs against this deployment. */
function tokenOutputs(stack: Stack, data: GatewayData) {
  new CfnOutput(stack, 'TableName', { value: data.table.tableName });
  new CfnOutput(stack, 'TenantTokenSecretArn', { value: data.tenantTokenKey.secretArn });
}

/**
 * The CloudFront distribution behind the edge web ACL, when there is one. The API functions then
 * refuse requests without the distribution's secret header (functions/kernel/origin-verify.ts),
 * so the WAF cannot be bypassed through the execute-api address, and trust the distribution's
 * origin for cookie-authenticated changes (its Origin is not the API's Host).
 */
export function edge(stack: Stack, node: GatewayNode, data: GatewayDataRefs, webAclArn: string | undefined, uiAssetsDir?: string) {
  if (!webAclArn) return;
  const secret = data.originVerifySecret;
  if (!secret) throw new Error('The edge needs the origin-verify secret: create the shared stack with `edge: true`.');
  const e = new GatewayEdge(stack, 'Edge', { api: node.api, webAclArn, originVerifySecret: secret, ...(uiAssetsDir ? { uiAssetsDir } : {}) });
  const edgeUrl = `https://${e.distribution.distributionDomainName}`;
  for (const fid of API_FUNCTION_IDS) {
    const f = node.functions.get(fid)!;
    f.fn.addEnvironment('ORIGIN_VERIFY_SECRET_ARN', secret.secretArn).addEnvironment('TRUSTED_ORIGINS', edgeUrl);
    f.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
  }
  new CfnOutput(stack, 'EdgeUrl', { value: edgeUrl }); // the web UI and the API, one origin
}

/** The region's network (lib/network.ts), when the settings give it a VPC; its endpoints admit only these resources. */
export function networkOf(scope: Construct, vpc: VpcSettings | undefined, data: GatewayDataRefs): GatewayNetwork | undefined {
  if (!vpc) return undefined;
  const secretArns = [data.secret.secretArn, ...(data.originVerifySecret ? [data.originVerifySecret.secretArn] : [])];
  return new GatewayNetwork(scope, 'Network', { settings: vpc, resources: { table: data.table, secretArns, credentialKeyArn: data.credentialKey.keyArn, busArn: data.bus.eventBusArn } });
}

/** The functions behind the API's routes (lib/gateway-node.ts names them Api<Name>). */
const API_FUNCTION_IDS = apiFunctions.map((n) => `Api${n[0]!.toUpperCase()}${n.slice(1)}`);

/** The roles that may use the credential key: the key-using functions of each of these stacks. */
export function keyUsers(stackNames: string[]): string[] {
  return stackNames.flatMap((stack) => KEY_USERS.map((fid) => functionRoleName(stack, fid)));
}

/** The DNS subscriber's zone and name, when configured (`-c dnsHostedZoneId=... -c dnsRecordName=...`). */
function dnsOf(settings: GatewaySettings): { dns?: NonNullable<GatewaySettings['dns']> } {
  return settings.dns ? { dns: settings.dns } : {};
}
