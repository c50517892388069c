/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (settings from context, see docs/deploying.md).
 * Without `nodes`: one stack, a single gateway. With `-c nodes=a,b`: the availability group, as a
 * shared stack (table, bus, subscribers, secret, key) and one stack per node, in one region. With
 * `-c regions=<a's>,<b's> -c witnessRegion=<third>`: one node per region on an MRSC global table.
 * The stacks themselves: lib/gateway-app.ts.
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
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
const { gatewayApp } = await import('../lib/gateway-app.js');

// AWS's CloudFormation validator runs inside every synth: an error in a template fails it (docs/deploying.md).
const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
const settings = readSettings((k) => app.node.tryGetContext(k));
gatewayApp(app, {
  name: String(app.node.tryGetContext('stackName') ?? 'FailoverGateway'),
  settings,
  region: process.env.CDK_DEFAULT_REGION ?? (app.node.tryGetContext('region') as string | undefined),
  account: process.env.CDK_DEFAULT_ACCOUNT,
  uiAssetsDir,
});
