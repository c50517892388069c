import { uiRoutes } from '../ui-api/http/ui.js';
import { httpApi } from '../wiring/http-api.js';
import { uiDeps } from '../wiring/api-deps.js';
import { gatewayDeps } from '../wiring/gateway.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** The routes of Lambda `ui`: the web UI's reads under /ui/api, from the gateway's own table. */
export const routes = uiRoutes(uiDeps);

export const handler = httpApi(routes, () => gatewayDeps().sessionService);
