import { GatewayError, notFound } from '../kernel/errors.js';
import { matchPath } from '../kernel/path-match.js';
import type { RoutingRoute, RoutingWorkflow, WorkflowRouting } from './manifest-schema.js';

/** The manifest route a request path names, with its decoded params, or why there is none (404 / 405). */
export function matchRoute(manifest: WorkflowRouting, method: string, path: string): { workflow: RoutingWorkflow; route: RoutingRoute; params: Record<string, string> } {
  const [, name = '', ...rest] = path.split('/');
  const workflow = manifest.workflows.find((w) => w.name === name);
  if (!workflow) throw notFound(`No workflow serves ${path.slice(0, 200)}.`);
  const sub = `/${rest.join('/')}`;
  const candidates = workflow.routes.map((r) => ({ r, params: matchPath(r.path, sub) })).filter((c) => c.params !== null);
  if (candidates.length === 0) throw notFound(`Workflow ${workflow.name} has no route ${sub.slice(0, 200)}.`);
  const hit = candidates.find((c) => c.r.method === method);
  if (!hit) throw new GatewayError(405, 'MethodNotAllowed', `${method} is not allowed on ${path.slice(0, 200)}; use ${[...new Set(candidates.map((c) => c.r.method))].join(', ')}.`);
  return { workflow, route: hit.r, params: hit.params! };
}

/** Every permission a workflow route checks (the admin API and the web UI list them). */
export function workflowPermissions(manifest: WorkflowRouting): string[] {
  return [...new Set(manifest.workflows.flatMap((w) => w.routes.map((r) => r.permission)))].sort();
}
