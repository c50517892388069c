import { gatewayDeps } from '../commons/deps.js';
import { GatewayError, forbidden, notFound } from '../commons/errors.js';
import { json } from '../commons/http.js';
import { logger } from '../commons/logger.js';
import { bamApi } from '../bam/clients.js';
import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import { authenticate, authOf } from '../middleware/authenticate.js';
import { errorResponse } from '../middleware/http-errors.js';
import { PRIMARY_ALIAS } from '../sessions/session-service.js';
import { isHttpResult, type HttpMethod, type WorkflowContext } from '../workflows/define.js';
import { workflows } from '../workflows/index.js';
import { httpHandler } from './http-handler.js';

/** Finds the workflow route for a request path, or answers why there is none (404 / 405). */
export function matchRoute(method: string, path: string) {
  const [, name = '', ...rest] = path.split('/');
  const workflow = workflows.find((w) => w.name === name);
  if (!workflow) throw notFound(`No workflow serves ${path}.`);
  const sub = `/${rest.join('/')}`.replace(/\/+$/, '') || '/';
  const candidates = workflow.routes.filter((r) => r.path === sub);
  if (candidates.length === 0) throw notFound(`Workflow ${workflow.name} has no route ${sub}.`);
  const route = candidates.find((r) => r.method === method);
  if (!route) throw new GatewayError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}; use ${candidates.map((c) => c.method).join(', ')}.`);
  return { workflow, route };
}

/** Every workflow route: authenticate, check the permission, run the workflow, map BAM errors to JSON. */
export const handler = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService))
  .handler(async (event, context) => {
    const auth = authOf(context);
    const method = event.requestContext.http.method.toUpperCase();
    const { workflow, route } = matchRoute(method, event.rawPath);
    const { config, permissions, sessionService } = gatewayDeps();
    const permission = route.permission ?? workflow.name;
    const allowed = config.admins.includes(auth.session.username) || (await permissions.has(auth.session.username, permission));
    if (!allowed) throw forbidden(`User ${auth.session.username} lacks the "${permission}" permission.`);
    const ctx: WorkflowContext = {
      user: { username: auth.session.username, bamApi: bamApi(auth.bam) },
      platform: {
        failoverMonitoringManager: { primaryUrl: auth.monitor?.primaryUrl ?? null, monitoringState: auth.monitor?.monitoringState ?? 'STOPPED' },
      },
      request: { method: method as HttpMethod, path: event.rawPath, query: { ...(event.queryStringParameters ?? {}) } as Record<string, string>, headers: event.headers ?? {}, body: event.body },
    };
    try {
      const result = await route.handler(ctx);
      return isHttpResult(result) ? result : json(200, result);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      if (err instanceof BamHttpError && err.status === 404) throw notFound('Address Manager has no such object.');
      if (err instanceof BamHttpError || err instanceof BamUnreachableError) {
        throw await sessionService.bamFailure(err, auth.server, auth.session.target === PRIMARY_ALIAS);
      }
      logger.error('workflow failed', { workflow: workflow.name, route: route.path, error: err as Error });
      return errorResponse(err, context.awsRequestId, workflow.defaultMessage);
    }
  });
