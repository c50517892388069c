import type { Route } from '../../kernel/http-route.js';
import { authOf, type AuthContext } from '../../sessions/authenticate.js';
import { secureWorkflowResponse } from '../answer.js';
import { runWorkflowCall, type WorkflowCallDeps } from '../run-workflow.js';

/**
 * Every workflow route (`ANY /<workflow>/{proxy+}`): authenticates, then one use-case call
 * (functions/workflows/run-workflow.ts). The custom code runs in the workflow's own runner
 * function; this trusted function knows the workflows through their manifest alone, and every
 * answer, errors included, leaves with the workflow headers and no cookie.
 */
export function workflowRoute(deps: () => WorkflowCallDeps): Route<AuthContext> {
  return {
    auth: 'session',
    finish: secureWorkflowResponse,
    handle: (event, context) => runWorkflowCall(event, authOf(context), context.awsRequestId, deps()),
  };
}
