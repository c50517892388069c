import { gatewayDeps } from '../commons/deps.js';
import { FailoverInProgressError, GatewayError, notFound } from '../commons/errors.js';
import { logger } from '../commons/logger.js';
import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import { authenticate, authOf } from '../middleware/authenticate.js';
import { errorResponse } from '../middleware/http-errors.js';
import { PRIMARY_ALIAS } from '../sessions/session-service.js';
import { matchRoute, runWorkflowRoute } from '../workflows/runner.js';
import { workflows } from '../workflows/index.js';
import { httpHandler } from './http-handler.js';
import { nodeState } from '../group/node-state.js';

/**
 * Every workflow route. Like BlueCat's api_exc_handler: BAM errors become clear JSON (401, 404,
 * 4xx as BAM said, 502/504, or the failover 503); anything else a 500 with the workflow's default
 * message and a correlation id, never internals.
 */
export const handler = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService))
  .handler(async (event, context) => {
    const auth = authOf(context);
    const { workflow, route, params } = matchRoute(workflows, event.requestContext.http.method.toUpperCase(), event.rawPath);
    const { config, permissions, sessionService, groupStore } = gatewayDeps();
    try {
      return await sessionService.runWithRecovery(auth, (a) => runWorkflowRoute(event, a, workflow, route, params, {
        canRun: async (username, permission) => config.admins.includes(username) || permissions.has(username, permission),
        nodeState: async () => nodeState(await groupStore.get(), config.node?.id),
      }), { retryUnreachable: route.method === 'GET' });
    } catch (err) {
      if (err instanceof GatewayError || err instanceof FailoverInProgressError) throw err;
      if (err instanceof BamHttpError && err.status === 404) throw notFound('Address Manager has no such object.');
      if (err instanceof BamHttpError && [400, 409, 422].includes(err.status)) throw new GatewayError(err.status === 422 ? 400 : err.status, 'AddressManagerRejected', `Address Manager refused the request: ${err.bamMessage}`);
      if (err instanceof BamHttpError || err instanceof BamUnreachableError) {
        throw await sessionService.bamFailure(err, auth.server, auth.session.target === PRIMARY_ALIAS);
      }
      logger.error('workflow failed', { workflow: workflow.name, route: route.path, correlationId: context.awsRequestId, error: err as Error });
      return errorResponse(err, context.awsRequestId, workflow.defaultMessage);
    }
  });
