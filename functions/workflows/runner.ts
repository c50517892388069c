import { validate, type Schema } from '../commons/validation.js';
import { GatewayError, badRequest, forbidden, notFound } from '../commons/errors.js';
import { json, parseJsonBody, type HttpEvent, type HttpResult } from '../commons/http.js';
import { bamApi } from '../bam/clients.js';
import type { AuthenticatedSession } from '../sessions/session-service.js';
import type { NodeState } from '../group/node-state.js';
import { isHttpResult, matchPath, type HttpMethod, type Workflow, type WorkflowContext, type WorkflowRoute } from './define.js';

/** Finds the workflow route for a request path, or answers why there is none (404 / 405). */
export function matchRoute(workflows: Workflow[], method: string, path: string) {
  const [, name = '', ...rest] = path.split('/');
  const workflow = workflows.find((w) => w.name === name);
  if (!workflow) throw notFound(`No workflow serves ${path}.`);
  const sub = `/${rest.join('/')}`.replace(/\/+$/, '') || '/';
  const candidates = workflow.routes.map((r) => ({ r, params: matchPath(r.path, sub) })).filter((c) => c.params !== null);
  if (candidates.length === 0) throw notFound(`Workflow ${workflow.name} has no route ${sub}.`);
  const hit = candidates.find((c) => c.r.method === method);
  if (!hit) throw new GatewayError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}; use ${[...new Set(candidates.map((c) => c.r.method))].join(', ')}.`);
  return { workflow, route: hit.r, params: hit.params! };
}

function validateQuery(event: HttpEvent, schema: Schema | undefined): unknown {
  const raw = { ...(event.queryStringParameters ?? {}) };
  if (!schema) return raw;
  const parsed = validate(schema, raw);
  if (parsed.ok) return parsed.data;
  const details = parsed.issues.map((i) => ({ field: i.field || '(query)', problem: i.problem }));
  throw badRequest(`Invalid query: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details);
}

export interface RunDeps {
  canRun: (username: string, permission: string) => Promise<boolean>;
  nodeState: () => Promise<NodeState>;
}

/**
 * Runs one workflow route for an authenticated session: permission, input validation, the
 * handler with its BAM client and platform. Errors propagate to the caller's mapping.
 */
export async function runWorkflowRoute(event: HttpEvent, auth: AuthenticatedSession, workflow: Workflow, route: WorkflowRoute, params: Record<string, string>, deps: RunDeps): Promise<HttpResult> {
  const permission = route.permission ?? workflow.name;
  if (!(await deps.canRun(auth.session.username, permission))) throw forbidden(`User ${auth.session.username} lacks the "${permission}" permission.`);
  const query = validateQuery(event, route.query);
  const body = route.body ? parseJsonBody(event, route.body) : undefined;
  const ctx: WorkflowContext<any, any> = {
    user: { username: auth.session.username, bamApi: bamApi(auth.bam) },
    platform: {
      failoverMonitoringManager: { primaryUrl: auth.monitor?.primaryUrl ?? null, monitoringState: auth.monitor?.monitoringState ?? 'STOPPED' },
      availability: { getNodeState: deps.nodeState },
    },
    input: { query, body, params },
    request: { method: event.requestContext.http.method.toUpperCase() as HttpMethod, path: event.rawPath, headers: event.headers ?? {} },
  };
  const result = await route.handler(ctx);
  return isHttpResult(result) ? result : json(200, result);
}
