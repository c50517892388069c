import { withInit } from './init-event.js';
import { loginRoute } from '../sessions/http/login.js';
import { logoutRoute } from '../sessions/http/logout.js';
import { httpApi } from '../wiring/http-api.js';
import { loginDeps, logoutDeps } from '../wiring/api-deps.js';
import { gatewayDeps } from '../wiring/gateway.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** The routes of Lambda `sessions` (functions/kernel/route-table.ts names its routes). */
export const routes = { 'POST /rest_login': loginRoute(loginDeps), 'POST /rest_logout': logoutRoute(logoutDeps) };

/** Lambda `sessions`: logging in and out, and the deployment's init event, which makes the credential data key exist (init-event.ts). */
export const handler = withInit(httpApi(routes, () => gatewayDeps().sessionService));
