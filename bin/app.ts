/** The CDK app: `npx cdk synth` / `npx cdk deploy` (settings from context, see README "Deploying"). */
import { App } from 'aws-cdk-lib';
import { generateWorkflowIndex } from './gen-workflows.js';
import { readSettings } from '../lib/settings.js';

// The stack's routes come from the workflow list: make sure it lists every workflow module.
generateWorkflowIndex();
const { GatewayStack } = await import('../lib/gateway-stack.js');

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'FailoverGateway');
new GatewayStack(app, stackName, { settings: readSettings((k) => app.node.tryGetContext(k)) });
