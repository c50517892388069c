import { gatewayDeps } from '../commons/deps.js';
import { FailoverInProgressError, GatewayError, notFound } from '../commons/errors.js';
import type { HttpResult } from '../commons/http.js';
import { logger } from '../commons/logger.js';
import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import { authenticate, authOf } from '../middleware/authenticate.js';
import { errorResponse } from '../middleware/http-errors.js';
import { PRIMARY_ALIAS, type AuthenticatedSession, type SessionService } from '../sessions/session-service.js';
import { authorizeAndValidate, matchRoute } from '../workflows/runner.js';
import { rebuildError, safeHeaders, type RunnerRequest } from '../workflows/runner-protocol.js';
import type { HttpMethod } from '../workflows/define.js';
import { workflows } from '../workflows/index.js';
import { invokeRunner } from '../adapters/runner-invoker.js';
import { httpHandler } from './http-handler.js';
import { nodeState } from '../group/node-state.js';

/**
 * Every workflow route. This trusted function authenticates, checks the permission, validates the
 * input and maps errors; the custom code itself runs in the sandboxed `workflow-runner` function
 * (SPEC §13), which gets only the caller's own BAM credential and no token. Like BlueCat's
 * api_exc_handler: BAM errors become clear JSON (401, 404, 4xx as BAM said, 502/504, or the
 * failover 503); anything else a 500 with the workflow's default message and a correlation id.
 */
export const handler = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService))
  .handler(async (event, context) => {
    const auth = authOf(context);
    const method = event.requestContext.http.method.toUpperCase() as HttpMethod;
    const { workflow, route, params } = matchRoute(workflows, method, event.rawPath);
    const { config, grants, sessionService, groupView } = gatewayDeps();
    const canRun = async (username: string, permission: string) => config.admins.includes(username) || grants.has(username, permission);
    // The node state is read here and passed as a snapshot: the runner has no table access at all.
    const [input, node] = await Promise.all([
      authorizeAndValidate(event, auth.session.username, workflow, route, params, { canRun }),
      config.node ? groupView.current(config.stateCacheMs).then((g) => nodeState(g, config.node!.id)) : Promise.resolve(nodeState(undefined, undefined)),
    ]);
    const runOnce = async (a: AuthenticatedSession): Promise<HttpResult> => {
      const req: RunnerRequest = {
        correlationId: context.awsRequestId,
        workflow: workflow.name,
        route: { method: route.method, path: route.path },
        input,
        username: a.session.username,
        bam: { url: a.server.url, apiVersion: config.apiVersion, timeoutMs: config.bamTimeoutMs, credential: a.bam.currentCredential()! },
        platform: { primaryUrl: a.monitor?.primaryUrl ?? null, monitoringState: a.monitor?.monitoringState ?? 'STOPPED', nodeState: node },
        request: { method, path: event.rawPath, headers: safeHeaders(event.headers ?? {}) },
      };
      const answer = await invokeRunner(req);
      if (answer.ok) return answer.result;
      throw rebuildError(answer.error, a.server.url);
    };
    try {
      // A restorable session whose BAM credential was rejected is re-established and the workflow
      // runs again; an alias GET that found the Primary refused is retried for a short bound.
      return await sessionService.runWithRecovery(auth, runOnce, { retryUnreachable: route.method === 'GET' });
    } catch (err) {
      if (err instanceof FailoverInProgressError) throw err;
      if (!(err instanceof GatewayError || err instanceof BamHttpError || err instanceof BamUnreachableError)) {
        logger.error('workflow failed', { workflow: workflow.name, route: route.path, correlationId: context.awsRequestId, error: err as Error });
        return errorResponse(err, context.awsRequestId, workflow.defaultMessage);
      }
      throw await mapBamFailure(err, auth, sessionService);
    }
  });

/** BAM's answer as the client should see it (SPEC §9); gateway errors the workflow threw pass as they are. */
async function mapBamFailure(err: GatewayError | BamHttpError | BamUnreachableError, auth: AuthenticatedSession, sessionService: SessionService): Promise<Error> {
  if (err instanceof GatewayError) return err;
  if (err instanceof BamHttpError && err.status === 404) return notFound('Address Manager has no such object.');
  if (err instanceof BamHttpError && [400, 409, 422].includes(err.status))
    return new GatewayError(err.status === 422 ? 400 : err.status, 'AddressManagerRejected', `Address Manager refused the request: ${err.bamMessage}`);
  return sessionService.bamFailure(err, auth.server, auth.session.target === PRIMARY_ALIAS);
}
