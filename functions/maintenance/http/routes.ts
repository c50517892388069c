import type { Route } from './call.js';
import { activateRoute, configurations, group, groups, hostMode, loadActive, validatorMessages } from './configuration-routes.js';
import { terminateRestSession } from './rest-session.js';
import { groupStatus, nodeStatus } from './status-routes.js';

/**
 * The maintenance API's routes below /airlock/rest, in Airlock's paths, each matched against the
 * canonical path (see requests.ts). POST /session/create is served before these: it is the one
 * call made without a REST session.
 */
export const routes: Route[] = [
  { method: 'POST', path: /^\/session\/terminate$/, run: terminateRestSession },
  { method: 'GET', path: /^\/system\/status\/node$/, run: nodeStatus },
  { method: 'POST', path: /^\/configuration\/configurations\/load-active$/, run: loadActive },
  { method: 'GET', path: /^\/configuration\/configurations$/, run: configurations },
  { method: 'GET', path: /^\/configuration\/back-end-groups$/, run: groups },
  { method: 'GET', path: /^\/configuration\/back-end-groups\/([^/]+)$/, run: group },
  { method: 'POST', path: /^\/configuration\/back-end-groups\/([^/]+)\/host-mode$/, run: hostMode },
  { method: 'GET', path: /^\/configuration\/(?:configurations\/)?validator-messages$/, run: validatorMessages },
  { method: 'POST', path: /^\/configuration\/configurations\/activate$/, run: activateRoute },
  { method: 'GET', path: /^\/system\/status\/back-end-groups\/([^/]+)$/, run: groupStatus },
];

export const SESSION_CREATE = { method: 'POST', path: /^\/session\/create$/ };

/** Every route below /airlock/rest, session/create included, for the OpenAPI document's tests. */
export const maintenanceRoutePatterns: { method: string; path: RegExp }[] = [SESSION_CREATE, ...routes.map((r) => ({ method: r.method, path: r.path }))];

/** The route a call means (HEAD is GET), and its path parameters; undefined when none. */
export function findRoute(method: string, subPath: string): { route: Route; params: string[] } | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  for (const route of routes) {
    const m = route.method === wanted ? route.path.exec(subPath) : null;
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}
