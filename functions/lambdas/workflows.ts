import { workflowRoute } from '../workflows/http/workflows.js';
import { workflowManifest } from '../workflows/manifest.js';
import { httpApi } from '../wiring/http-api.js';
import { workflowCallDeps } from '../wiring/api-deps.js';
import { gatewayDeps } from '../wiring/gateway.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** The routes of Lambda `workflows`: each workflow's `ANY /<name>/{proxy+}` (the manifest), one use case. */
const route = workflowRoute(workflowCallDeps);
export const routes = Object.fromEntries(workflowManifest.workflows.map((w) => [`ANY /${w.name}/{proxy+}`, route]));

/** Lambda `workflows`: every workflow route; the custom code runs in each workflow's own runner. */
export const handler = httpApi(routes, () => gatewayDeps().sessionService);
