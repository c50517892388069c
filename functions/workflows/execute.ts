import { json, type HttpResult } from '../commons/http.js';
import { bamApi, bamClient } from '../bam/clients.js';
import { isHttpResult, type Workflow, type WorkflowContext } from './define.js';
import type { RunnerRequest } from './runner-protocol.js';

/**
 * The sandboxed half of a workflow call: builds the handler's context from the runner request
 * alone (a BAM client with the caller's own credential, the platform snapshot, the stripped
 * request) and runs the route. Errors propagate to the runner, which serializes them.
 */
export async function executeWorkflow(workflows: Workflow[], req: RunnerRequest): Promise<HttpResult> {
  const route = workflows.find((w) => w.name === req.workflow)?.routes.find((r) => r.method === req.route.method && r.path === req.route.path);
  if (!route) throw new Error(`the runner has no route ${req.route.method} ${req.route.path} in workflow ${req.workflow}`);
  const { url, apiVersion, timeoutMs, credential } = req.bam;
  const nodeState = req.platform.nodeState;
  const ctx: WorkflowContext<any, any> = {
    user: { username: req.username, bamApi: bamApi(bamClient(apiVersion, url, timeoutMs, credential)) },
    platform: {
      failoverMonitoringManager: { primaryUrl: req.platform.primaryUrl, monitoringState: req.platform.monitoringState },
      // A snapshot taken by the trusted side for this request: the runner has no table access.
      availability: { getNodeState: async () => ({ ...nodeState }) },
    },
    input: req.input as WorkflowContext<any, any>['input'],
    request: req.request,
  };
  const result = await route.handler(ctx);
  return isHttpResult(result) ? result : json(200, result);
}
