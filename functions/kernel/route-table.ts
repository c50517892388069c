/**
 * The API's routes, the route factory behind each (a feature's http/ folder) and the Lambda
 * function that hosts it (functions/lambdas/<fn>.ts). The CDK stack creates one API Gateway route per
 * entry and one Lambda per `fn`; the local runtime routes with the same list.
 *
 * Functions are grouped by concern, not one per route nor one for all:
 * - `sessions`: logging in and out. It talks to BAM on behalf of users at their most latency-
 *   sensitive moment; alone, it stays warm and its concurrency is its own.
 * - `workflows`: every workflow route. The largest bundle and the longest calls (BAM, up to the
 *   BAM timeout); isolating it keeps slow workflows from starving logins or status checks.
 * - `operations`: status, the availability group, the permission admin API, the OpenAPI document
 *   and its reference page, and the JSON 404: small, fast reads for operators and monitoring.
 * - `ui`: the web UI's reads (/ui/api), polled by every open page: kept off the admin function,
 *   with its own concurrency, and answering from the table through a BAM failover.
 * - `maintenance`: the Airlock-style maintenance REST API (/airlock/rest): its own role may write
 *   only maintenance configuration and REST-session items.
 * The scheduled monitor, the group agent and each subscriber are functions of their own.
 */
export type HandlerName = 'login' | 'logout' | 'status' | 'workflows' | 'admin' | 'availability' | 'airlock' | 'ui' | 'ui-public' | 'docs' | 'not-found';
export type ApiFunction = 'sessions' | 'workflows' | 'operations' | 'ui' | 'maintenance';

export interface RouteDef {
  routeKey: string;
  handler: HandlerName;
  fn: ApiFunction;
}

/** The gateway's own routes: all a function but `workflows` serves (dispatch needs nothing else). */
export const staticRoutes: RouteDef[] = [
  { routeKey: 'POST /rest_login', handler: 'login', fn: 'sessions' },
  { routeKey: 'POST /rest_logout', handler: 'logout', fn: 'sessions' },
  { routeKey: 'GET /failover_monitoring/status', handler: 'status', fn: 'operations' },
  { routeKey: 'ANY /admin/{proxy+}', handler: 'admin', fn: 'operations' },
  { routeKey: 'GET /ag/api/v1/state', handler: 'availability', fn: 'operations' },
  { routeKey: 'GET /ag/api/v1/group', handler: 'availability', fn: 'operations' },
  { routeKey: 'PUT /ag/api/v1/failover', handler: 'availability', fn: 'operations' },
  { routeKey: 'ANY /airlock/rest/{proxy+}', handler: 'airlock', fn: 'maintenance' },
  { routeKey: 'GET /ui/api/login-options', handler: 'ui-public', fn: 'ui' },
  { routeKey: 'GET /ui/api/session', handler: 'ui', fn: 'ui' },
  { routeKey: 'GET /ui/api/events', handler: 'ui', fn: 'ui' },
  { routeKey: 'GET /ui/api/workflows', handler: 'ui', fn: 'ui' },
  { routeKey: 'GET /ui/api/session-counts', handler: 'ui', fn: 'ui' },
  { routeKey: 'GET /ui/api/dashboard', handler: 'ui', fn: 'ui' },
  { routeKey: 'GET /openapi.json', handler: 'docs', fn: 'operations' },
  { routeKey: 'GET /docs', handler: 'docs', fn: 'operations' },
  { routeKey: 'GET /docs/{proxy+}', handler: 'docs', fn: 'operations' },
  { routeKey: '$default', handler: 'not-found', fn: 'operations' },
];

export const apiFunctions: ApiFunction[] = ['sessions', 'workflows', 'operations', 'ui', 'maintenance'];
