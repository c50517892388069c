/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (settings from context, see README "Deploying").
 * Without `nodes`: one stack, a single gateway. With `-c nodes=a,b`: the availability group, as a
 * shared stack (table, bus, subscribers, secret, key) and one stack per node, in one region. With
 * `-c regions=<a's>,<b's> -c witnessRegion=<third>`: one node per region on an MRSC global table.
 */
import { fileURLToPath } from 'node:url';
import { Annotations, App } from 'aws-cdk-lib';
import { assertManifestFresh } from './gen-workflows.js';
import { generateSubscriberIndex } from './gen-subscribers.js';
import { readSettings } from '../lib/settings.js';
import { workflowManifest } from '../functions/workflows/manifest.js';

// Workflow modules are never evaluated here (this process holds the deployer's credentials): the
// stacks read the manifest `npm run gen:workflows` wrote, which must describe the modules as they are.
await assertManifestFresh(workflowManifest);
// Subscribers are trusted code: their list is regenerated.
generateSubscriberIndex();
// The web UI the edge serves (lib/edge.ts): built once, only when its sources changed; output on stderr.
const { ensureUiBuilt } = await import('../local/ui-build.js');
await ensureUiBuilt({ log: (line) => console.error(line) });
const uiAssetsDir = fileURLToPath(new URL('../ui/dist', import.meta.url));
const { GatewayStack, GatewaySharedStack, GatewayNodeStack } = await import('../lib/gateway-stack.js');
const { twoRegionGroup } = await import('../lib/two-region.js');
const { GatewayEdgeStack } = await import('../lib/edge.js');

const app = new App();
const settings = readSettings((k) => app.node.tryGetContext(k));
const name = String(app.node.tryGetContext('stackName') ?? 'FailoverGateway');
// CloudFront + WAF (lib/edge.ts) need a known region: the web ACL lives in us-east-1 and its ARN
// crosses regions. The CLI always knows it when deploying (a two-region group names its regions);
// an offline synth without one leaves the edge out.
const region = settings.regions[0] ?? process.env.CDK_DEFAULT_REGION ?? (app.node.tryGetContext('region') as string | undefined);
const account = process.env.CDK_DEFAULT_ACCOUNT;
const edge = region ? new GatewayEdgeStack(app, `${name}-edge`, { env: { account, region: 'us-east-1' }, settings, crossRegionReferences: true }) : undefined;
const placement = edge ? { env: { account, region }, crossRegionReferences: true, webAclArn: edge.webAclArn, uiAssetsDir } : {};
if (settings.nodes.length === 0) {
  const stack = new GatewayStack(app, name, { settings, ...placement });
  if (!edge) Annotations.of(stack).addWarningV2('gateway:no-edge', 'No region known (set AWS_REGION or -c region=...): synthesized without the CloudFront + WAF edge.');
} else if (settings.regions.length === 0) {
  const shared = new GatewaySharedStack(app, `${name}-shared`, { settings, ...(edge ? { env: { account, region }, edge: true } : {}) });
  for (const nodeId of settings.nodes) new GatewayNodeStack(app, `${name}-node-${nodeId}`, { settings: { ...settings, nodeId }, data: shared.data, ...placement });
} else {
  twoRegionGroup(app, name, settings, { account, webAclArn: edge!.webAclArn, uiAssetsDir });
}
