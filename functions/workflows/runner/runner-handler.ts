import { GatewayError, badRequest } from '../../kernel/errors.js';
import { logger } from '../../kernel/logger.js';
import { validate, type Schema } from '../../kernel/validation.js';
import { BamHttpError, BamUnreachableError } from '../../bam/http.js';
import { bamApi, bamClient } from '../../bam/clients.js';
import { isWorkflowAnswer, type Workflow, type WorkflowContext, type WorkflowRoute } from '../define.js';
import type { RunnerAnswer, RunnerFailure, RunnerRequest, RunnerResponse } from '../ports.js';

/**
 * The Lambda handler of one workflow's own runner (functions/lambdas/runners/<name>.ts): the only
 * place that module's code runs. It validates the input with the route's schemas, builds the
 * context from the request alone (a BAM client with the caller's own credential, the platform
 * snapshot, the stripped request headers) and runs the route. It never throws: every outcome is a
 * JSON answer, which the trusted side checks and turns into the HTTP answer (or refuses).
 */
export function runnerHandler(workflow: Workflow): (event: RunnerRequest) => Promise<RunnerResponse> {
  return async (event) => {
    try {
      return { ok: true, result: toAnswer(await run(workflow, event)) };
    } catch (err) {
      const error = serializeError(err);
      if (error.kind === 'crash') logger.error('workflow failed', { workflow: event?.workflow, route: event?.route?.path, correlationId: event?.correlationId, error: err as Error });
      return { ok: false, error };
    }
  };
}

async function run(workflow: Workflow, req: RunnerRequest): Promise<unknown> {
  const route = req.workflow === workflow.name ? workflow.routes.find((r) => r.method === req.route.method && r.path === req.route.path) : undefined;
  if (!route) throw new Error(`runner of ${workflow.name} has no route ${req.route.method} ${req.route.path} of ${req.workflow}`);
  const { url, apiVersion, timeoutMs, credential } = req.bam;
  const nodeState = req.platform.nodeState;
  const ctx: WorkflowContext<any, any> = {
    user: { username: req.username, bamApi: bamApi(bamClient(apiVersion, url, timeoutMs, credential)) },
    platform: {
      failoverMonitoringManager: { primaryUrl: req.platform.primaryUrl, monitoringState: req.platform.monitoringState },
      // A snapshot taken by the trusted side for this request: the runner has no table access.
      availability: { getNodeState: async () => ({ ...nodeState }) },
    },
    input: { query: validated(route, 'query', req.input.query), body: route.body ? validated(route, 'body', req.input.body) : undefined, params: req.input.params },
    request: req.request,
  };
  return route.handler(ctx);
}

/** The route's own schema over the raw input: a 400 naming each field, as before the split. */
function validated(route: WorkflowRoute, part: 'query' | 'body', raw: unknown): unknown {
  const schema: Schema | undefined = route[part];
  if (!schema) return raw;
  const parsed = validate(schema, raw);
  if (parsed.ok) return parsed.data;
  const details = parsed.issues.map((i) => ({ field: i.field || `(${part})`, problem: i.problem }));
  throw badRequest(`Invalid ${part === 'query' ? 'query' : 'request body'}: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details);
}

/** A handler's value as the runner reports it: a built answer as it is, anything else as a 200 JSON body. */
function toAnswer(result: unknown): RunnerAnswer {
  if (isWorkflowAnswer(result)) return { status: result.statusCode, headers: { ...result.headers }, ...(result.body !== undefined ? { body: String(result.body) } : {}) };
  const body = JSON.stringify(result);
  if (body === undefined) throw new Error('the workflow answered a value that is not JSON (undefined, a function or a symbol)');
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/** What a workflow threw, as JSON (internals of unexpected errors stay in the runner's log). */
export function serializeError(err: unknown): RunnerFailure {
  if (err instanceof GatewayError)
    return { kind: 'gateway', status: err.status, code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}), headers: err.headers };
  if (err instanceof BamHttpError) return { kind: 'bam-http', status: err.status, bamMessage: err.bamMessage };
  if (err instanceof BamUnreachableError) return { kind: 'bam-unreachable', reason: err.reason };
  return { kind: 'crash' };
}
