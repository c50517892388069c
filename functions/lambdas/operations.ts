import { statusRoute } from '../monitor/http/status.js';
import { adminRoute } from '../permissions/http/admin.js';
import { availabilityRoutes } from '../group/http/availability.js';
import { notFoundRoute } from '../kernel/not-found.js';
import { docsRoutes } from '../openapi/http/docs.js';
import { httpApi } from '../wiring/http-api.js';
import { adminDeps, availabilityDeps } from '../wiring/api-deps.js';
import { lambdaTaskRoot } from '../wiring/environment.js';
import { gatewayDeps } from '../wiring/gateway.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** The routes of Lambda `operations`: status, the availability group, the admin API, the API reference, the JSON 404. */
export const routes = {
  'GET /failover_monitoring/status': statusRoute(() => gatewayDeps().config.servers),
  'ANY /admin/{proxy+}': adminRoute(adminDeps),
  ...availabilityRoutes(availabilityDeps),
  ...docsRoutes(lambdaTaskRoot),
  $default: notFoundRoute,
};

export const handler = httpApi(routes, () => gatewayDeps().sessionService);
