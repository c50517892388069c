import { workflowManifest } from '../workflows/manifest.js';
import { staticRoutes, type RouteDef } from '../kernel/route-table.js';

/** Every route: the gateway's own and each workflow's prefix, from the manifest (the trusted side never imports a workflow module). */
export const routes: RouteDef[] = [
  ...staticRoutes.slice(0, -1),
  ...workflowManifest.workflows.map((w) => ({ routeKey: `ANY /${w.name}/{proxy+}`, handler: 'workflows' as const, fn: 'workflows' as const })),
  staticRoutes.at(-1)!,
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
