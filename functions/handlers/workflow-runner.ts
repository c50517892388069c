import type { Context } from 'aws-lambda';
import { logger } from '../commons/logger.js';
import { workflows } from '../workflows/index.js';
import { executeWorkflow } from '../workflows/execute.js';
import { serializeError, type RunnerRequest, type RunnerResponse } from '../workflows/runner-protocol.js';

/**
 * Lambda `workflow-runner`: runs custom workflow code, isolated from the session logic (SPEC §13).
 * Its role may only write its logs, its environment holds no secret and it imports no store, no
 * session service and no configuration: it knows only what the trusted `workflows` function sends.
 * It never throws: every outcome is a JSON answer the trusted side maps as before.
 */
export async function handler(event: RunnerRequest, _context?: Context): Promise<RunnerResponse> {
  try {
    return { ok: true, result: await executeWorkflow(workflows, event) };
  } catch (err) {
    const error = serializeError(err);
    if (error.kind === 'crash') logger.error('workflow failed', { workflow: event.workflow, route: event.route.path, correlationId: event.correlationId, error: err as Error });
    return { ok: false, error };
  }
}
