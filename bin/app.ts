/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (settings from context, see README "Deploying").
 * Without `nodes`: one stack, a single gateway. With `-c nodes=a,b`: the availability group, as a
 * shared stack (table, bus, subscribers, secret, key) and one stack per node, in one region.
 */
import { App } from 'aws-cdk-lib';
import { generateWorkflowIndex } from './gen-workflows.js';
import { readSettings } from '../lib/settings.js';

// The stacks' routes come from the workflow list: make sure it lists every workflow module.
generateWorkflowIndex();
const { GatewayStack, GatewaySharedStack, GatewayNodeStack } = await import('../lib/gateway-stack.js');

const app = new App();
const settings = readSettings((k) => app.node.tryGetContext(k));
const name = String(app.node.tryGetContext('stackName') ?? 'FailoverGateway');
if (settings.nodes.length === 0) {
  new GatewayStack(app, name, { settings });
} else {
  const shared = new GatewaySharedStack(app, `${name}-shared`, { settings });
  for (const nodeId of settings.nodes) new GatewayNodeStack(app, `${name}-node-${nodeId}`, { settings: { ...settings, nodeId }, data: shared.data });
}
