import { workflows } from './workflows/index.js';

/**
 * The API's routes and the handler module behind each (functions/handlers/<handler>.ts).
 * The CDK stack creates one API Gateway route per entry; the local runtime routes with the same list.
 */
export type HandlerName = 'login' | 'logout' | 'status' | 'workflows' | 'admin' | 'availability' | 'not-found';

export interface RouteDef {
  routeKey: string;
  handler: HandlerName;
}

export const routes: RouteDef[] = [
  { routeKey: 'POST /rest_login', handler: 'login' },
  { routeKey: 'POST /rest_logout', handler: 'logout' },
  { routeKey: 'GET /failover_monitoring/status', handler: 'status' },
  { routeKey: 'ANY /admin/{proxy+}', handler: 'admin' },
  { routeKey: 'GET /ag/api/v1/state', handler: 'availability' },
  { routeKey: 'GET /ag/api/v1/group', handler: 'availability' },
  { routeKey: 'PUT /ag/api/v1/failover', handler: 'availability' },
  ...workflows.map((w) => ({ routeKey: `ANY /${w.name}/{proxy+}`, handler: 'workflows' as const })),
  { routeKey: '$default', handler: 'not-found' },
];

/** API Gateway's route selection, for the local runtime: exact method+path first, then ANY, then {proxy+}, then $default. */
export function selectRoute(method: string, path: string): RouteDef {
  const matches = (r: RouteDef, m: string) => {
    const [rm, rp] = r.routeKey.split(' ');
    if (rm !== m || !rp) return false;
    if (rp.endsWith('/{proxy+}')) return path.startsWith(rp.slice(0, -'{proxy+}'.length)) && path.length > rp.length - '{proxy+}'.length;
    return rp === path;
  };
  const exact = routes.find((r) => !r.routeKey.includes('{proxy+}') && (matches(r, method) || matches(r, 'ANY')));
  return exact ?? routes.find((r) => matches(r, method) || matches(r, 'ANY')) ?? routes.find((r) => r.routeKey === '$default')!;
}
