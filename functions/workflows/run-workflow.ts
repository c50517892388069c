import { FailoverInProgressError, GatewayError, forbidden } from '../kernel/errors.js';
import { json, readJsonBody, type HttpEvent, type HttpResult } from '../kernel/http.js';
import { logger } from '../kernel/logger.js';
import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import type { NodeState } from '../group/node-state.js';
import type { AuthenticatedSession } from '../sessions/session-service.js';
import { buildAnswer, workflowError, WorkflowAnswerRefused } from './answer.js';
import type { HttpMethod } from './define.js';
import type { WorkflowRouting } from './manifest-schema.js';
import { matchRoute } from './route-match.js';
import { parseRunnerResponse, safeHeaders, type RunnerRequest } from './ports.js';

/**
 * A workflow call, the trusted half: authenticate (done by the caller), find the route in the
 * manifest, check the permission, hand the one call to that workflow's own runner, and build the
 * HTTP answer from what it reports. Like BlueCat's api_exc_handler: BAM errors become clear JSON
 * (401, 404, 4xx as BAM said, 502/504, or the failover 503); a runner that crashed is a 500, one
 * that answered what the gateway does not pass on a 502, one that did not answer in time a 504,
 * each with the workflow's default message and a correlation id.
 */
export interface WorkflowCallDeps {
  manifest: WorkflowRouting;
  canRun: (username: string, permission: string) => Promise<boolean>;
  nodeState: () => Promise<NodeState>;
  /** The runner's raw response (runner-invoker.ts); throws RunnerTimedOut / RunnerFailed. */
  invoke: (workflow: string, req: RunnerRequest) => Promise<unknown>;
  sessions: {
    runWithRecovery<T>(auth: AuthenticatedSession, call: (auth: AuthenticatedSession) => Promise<T>, opts?: { retryUnreachable?: boolean }): Promise<T>;
    /** BAM's answer as the client should see it (sessions/bam-failure.ts). */
    callFailure(err: BamHttpError | BamUnreachableError, auth: AuthenticatedSession): Promise<Error>;
  };
  bam: { apiVersion: 1 | 2; timeoutMs: number };
}

/** The runner crashed (its log has the details under the same correlation id). */
class WorkflowCrashed extends Error {}

export async function runWorkflowCall(event: HttpEvent, auth: AuthenticatedSession, correlationId: string, deps: WorkflowCallDeps): Promise<HttpResult> {
  const method = event.requestContext.http.method.toUpperCase() as HttpMethod;
  const { workflow, route, params } = matchRoute(deps.manifest, method, event.rawPath);
  const username = auth.session.username;
  // The node state is read here and passed as a snapshot: the runner has no table access at all.
  const [allowed, node] = await Promise.all([deps.canRun(username, route.permission), deps.nodeState()]);
  if (!allowed) throw forbidden(`User ${username} lacks the "${route.permission}" permission.`);
  const input = { query: { ...(event.queryStringParameters ?? {}) } as Record<string, string>, body: route.hasBody ? readJsonBody(event) : undefined, params };
  const runOnce = async (a: AuthenticatedSession): Promise<HttpResult> => {
    const req: RunnerRequest = {
      correlationId,
      workflow: workflow.name,
      route: { method: route.method, path: route.path },
      input,
      username: a.session.username,
      bam: { url: a.server.url, apiVersion: deps.bam.apiVersion, timeoutMs: deps.bam.timeoutMs, credential: a.bam.currentCredential()! },
      platform: { primaryUrl: a.monitor?.primaryUrl ?? null, monitoringState: a.monitor?.monitoringState ?? 'STOPPED', nodeState: node },
      request: { method, path: event.rawPath, headers: safeHeaders(event.headers ?? {}) },
    };
    const raw = await deps.invoke(workflow.name, req);
    const answer = parseRunnerResponse(raw);
    if (!answer) throw new WorkflowAnswerRefused('the runner answered outside the protocol');
    if (answer.ok) return buildAnswer(answer.result);
    const f = answer.error;
    if (f.kind === 'gateway') throw workflowError(f);
    if (f.kind === 'bam-http') throw new BamHttpError(f.status, f.bamMessage, undefined);
    if (f.kind === 'bam-unreachable') throw new BamUnreachableError(a.server.url, f.reason, 'reported by the workflow runner');
    throw new WorkflowCrashed();
  };
  try {
    // A restorable session whose BAM credential was rejected is re-established and the workflow
    // runs again; an alias GET that found the Primary refused is retried for a short bound.
    return await deps.sessions.runWithRecovery(auth, runOnce, { retryUnreachable: route.method === 'GET' });
  } catch (err) {
    if (err instanceof FailoverInProgressError || err instanceof GatewayError) throw err;
    if (err instanceof BamHttpError || err instanceof BamUnreachableError) throw await deps.sessions.callFailure(err, auth);
    const failed = (status: number, code: string, why: string) => {
      logger.error('workflow failed', { workflow: workflow.name, route: route.path, correlationId, status, reason: why });
      return json(status, { code, message: workflow.defaultMessage, status, correlation_id: correlationId });
    };
    if (err instanceof WorkflowAnswerRefused) return failed(502, 'WorkflowAnswerRefused', err.reason);
    if ((err as Error).name === 'RunnerTimedOut') return failed(504, 'WorkflowTimedOut', (err as Error).message);
    return failed(500, 'InternalError', err instanceof WorkflowCrashed ? 'the runner reported an unexpected error' : String((err as Error).message ?? err));
  }
}
