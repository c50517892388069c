/** The CDK app: `npx cdk synth` / `npx cdk deploy` (settings from context, see README "Deploying"). */
import { App } from 'aws-cdk-lib';
import { GatewayStack } from '../lib/gateway-stack.js';
import { readSettings } from '../lib/settings.js';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'FailoverGateway');
new GatewayStack(app, stackName, { settings: readSettings((k) => app.node.tryGetContext(k)) });
