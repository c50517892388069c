import { gatewayDeps } from '../../wiring/gateway.js';
import type { HttpEvent, HttpResult } from '../../kernel/http.js';
import { invokeRunner } from '../../adapters/runner-invoker.js';
import { authenticate, authOf, type AuthContext } from '../../sessions/authenticate.js';
import { nodeState } from '../../group/node-state.js';
import { secureWorkflowResponse } from '../answer.js';
import { workflowManifest } from '../manifest.js';
import { runWorkflowCall } from '../run-workflow.js';
import { httpHandler } from '../../wiring/http-handler.js';

/**
 * Every workflow route: authenticates, then one use-case call (functions/workflows/run-workflow.ts).
 * The custom code runs in the workflow's own runner function; this trusted function knows the
 * workflows through their manifest alone, and every answer leaves with its headers and no cookie.
 */
const call = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService))
  .handler(async (event, context) => {
    const { config, grants, sessionService, groupView } = gatewayDeps();
    return runWorkflowCall(event, authOf(context), context.awsRequestId, {
      manifest: workflowManifest,
      canRun: async (username, permission) => config.admins.includes(username) || grants.has(username, permission),
      nodeState: async () => (config.node ? nodeState(await groupView.current(config.stateCacheMs), config.node.id) : nodeState(undefined, undefined)),
      invoke: (workflow, req) => invokeRunner(workflow, req, { ...(config.workflowRunners ? { functions: config.workflowRunners } : {}), timeoutMs: config.workflowTimeoutMs }),
      sessions: sessionService,
      bam: { apiVersion: config.apiVersion, timeoutMs: config.bamTimeoutMs },
    });
  });

export const handler = async (event: HttpEvent, context: AuthContext): Promise<HttpResult> => secureWorkflowResponse(await call(event, context));
