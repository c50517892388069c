import { validate, type Schema } from '../commons/validation.js';
import { GatewayError, badRequest, forbidden, notFound } from '../commons/errors.js';
import { parseJsonBody, type HttpEvent } from '../commons/http.js';
import { matchPath, type Workflow, type WorkflowRoute } from './define.js';
import type { RunnerRequest } from './runner-protocol.js';

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
}

/**
 * The trusted half of a workflow call, run before any custom code: the permission check and input
 * validation. Answers the validated input; throws 403 / 400 / 413.
 */
export async function authorizeAndValidate(
  event: HttpEvent,
  username: string,
  workflow: Workflow,
  route: WorkflowRoute,
  params: Record<string, string>,
  deps: RunDeps,
): Promise<RunnerRequest['input']> {
  const permission = route.permission ?? workflow.name;
  if (!(await deps.canRun(username, permission))) throw forbidden(`User ${username} lacks the "${permission}" permission.`);
  const query = validateQuery(event, route.query);
  const body = route.body ? parseJsonBody(event, route.body) : undefined;
  return { query, body, params };
}
