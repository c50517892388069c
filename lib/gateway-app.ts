import { Annotations, type App, type Stack } from 'aws-cdk-lib';
import { GatewayEdgeStack } from './edge.js';
import { GatewayNodeStack, GatewaySharedStack, GatewayStack } from './gateway-stack.js';
import type { GatewaySettings } from './settings.js';
import { twoRegionGroup } from './two-region.js';

export interface GatewayAppOptions {
  /** The stacks' name prefix (`-c stackName=...`). */
  name: string;
  settings: GatewaySettings;
  /** The region the CLI deploys to; absent (an offline synth without one): no edge. */
  region?: string | undefined;
  account?: string | undefined;
  /** The built web UI (ui/dist) the edge serves. */
  uiAssetsDir?: string | undefined;
}

/**
 * Every stack of a deployment, as `cdk synth` builds it (bin/app.ts; the infrastructure tests
 * synthesize the same): without `nodes` one stack, a single gateway; with `nodes` the availability
 * group as a shared stack and one stack per node, in one region or, with `regions`, in two. With a
 * known region, CloudFront + WAF in front (lib/edge.ts): the web ACL lives in us-east-1 and its ARN
 * crosses regions.
 */
export function gatewayApp(app: App, o: GatewayAppOptions): Stack[] {
  const { name, settings, account } = o;
  const region = settings.regions[0] ?? o.region;
  const edge = region ? new GatewayEdgeStack(app, `${name}-edge`, { env: { account, region: 'us-east-1' }, settings, crossRegionReferences: true }) : undefined;
  const ui = o.uiAssetsDir ? { uiAssetsDir: o.uiAssetsDir } : {};
  const placement = edge ? { env: { account, region }, crossRegionReferences: true, webAclArn: edge.webAclArn, ...ui } : {};
  const withEdge = (stacks: Stack[]) => (edge ? [edge, ...stacks] : stacks);
  if (settings.nodes.length === 0) {
    const stack = new GatewayStack(app, name, { settings, ...placement });
    if (!edge) Annotations.of(stack).addWarningV2('gateway:no-edge', 'No region known (set AWS_REGION or -c region=...): synthesized without the CloudFront + WAF edge.');
    return withEdge([stack]);
  }
  if (settings.regions.length === 0) {
    const shared = new GatewaySharedStack(app, `${name}-shared`, { settings, ...(edge ? { env: { account, region }, edge: true } : {}) });
    const nodes = settings.nodes.map((nodeId) => new GatewayNodeStack(app, `${name}-node-${nodeId}`, { settings: { ...settings, nodeId }, data: shared.data, network: shared.network, ...placement }));
    return withEdge([shared, ...nodes]);
  }
  const { shared, nodes } = twoRegionGroup(app, name, settings, { account, webAclArn: edge!.webAclArn, ...ui });
  return withEdge([shared, ...nodes]);
}
