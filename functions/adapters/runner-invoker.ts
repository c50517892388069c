import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { RunnerRequest } from '../workflows/ports.js';

/**
 * Calls one workflow's own runner. In AWS it is a synchronous invocation of that workflow's
 * function (`functions`: workflow name → function name, from WORKFLOW_RUNNERS); locally it is the
 * runner's handler export, registered by local/runtime.ts, called with the payload round-tripped
 * through JSON as Lambda would. Answers the runner's raw response (untrusted: the caller parses
 * it), or throws `RunnerTimedOut` / `RunnerFailed`.
 */
export type RunnerHandler = (event: RunnerRequest) => Promise<unknown>;

export class RunnerTimedOut extends Error {
  constructor(workflow: string, ms: number) {
    super(`the runner of workflow ${workflow} did not answer within ${ms} ms`);
    this.name = 'RunnerTimedOut';
  }
}

/** The runner threw, ran out of memory, or answered what cannot be read as JSON. */
export class RunnerFailed extends Error {
  constructor(workflow: string, why: string) {
    super(`the runner of workflow ${workflow} failed: ${why}`);
    this.name = 'RunnerFailed';
  }
}

/** The largest runner response read (Lambda's own synchronous payload limit is 6 MB). */
export const MAX_RUNNER_PAYLOAD_BYTES = 2 * 1024 * 1024;

const localRunners = new Map<string, RunnerHandler>();
let lambda: Promise<LambdaClient> | undefined;

/** Local mode only: a workflow's in-process runner (the same handler export its Lambda would run). */
export function registerLocalRunner(workflow: string, handler: RunnerHandler): void {
  localRunners.set(workflow, handler);
}

export async function invokeRunner(workflow: string, req: RunnerRequest, o: { functions?: Record<string, string>; timeoutMs: number }): Promise<unknown> {
  const fn = o.functions?.[workflow];
  if (o.functions) {
    if (!fn) throw new RunnerFailed(workflow, 'no runner function is configured for it (WORKFLOW_RUNNERS)');
    return invokeLambda(workflow, fn, req, o.timeoutMs);
  }
  const local = localRunners.get(workflow);
  if (!local) throw new RunnerFailed(workflow, 'no runner: set WORKFLOW_RUNNERS, or register the local runner');
  const event = JSON.parse(JSON.stringify(req)) as RunnerRequest;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RunnerTimedOut(workflow, o.timeoutMs)), o.timeoutMs);
  });
  try {
    const answer = await Promise.race([Promise.resolve().then(() => local(event)), timeout]);
    return readPayload(workflow, JSON.stringify(answer));
  } catch (err) {
    if (err instanceof RunnerTimedOut || err instanceof RunnerFailed) throw err;
    throw new RunnerFailed(workflow, (err as Error).name);
  } finally {
    clearTimeout(timer);
  }
}

function readPayload(workflow: string, text: string | undefined): unknown {
  if (text === undefined) throw new RunnerFailed(workflow, 'an empty answer');
  if (Buffer.byteLength(text) > MAX_RUNNER_PAYLOAD_BYTES) throw new RunnerFailed(workflow, `an answer over ${MAX_RUNNER_PAYLOAD_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new RunnerFailed(workflow, 'an answer that is not JSON');
  }
}

async function invokeLambda(workflow: string, functionName: string, req: RunnerRequest, timeoutMs: number): Promise<unknown> {
  // Created on first use, so the local runtime never loads the Lambda client.
  lambda ??= import('@aws-sdk/client-lambda').then(({ LambdaClient }) => new LambdaClient({}));
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const command = new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(req)) });
  let res: InvokeCommandOutput;
  try {
    // A little over the runner's own timeout: Lambda ends the runner first and says so.
    res = await (await lambda).send(command, { abortSignal: AbortSignal.timeout(timeoutMs + 2000) });
  } catch (err) {
    if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') throw new RunnerTimedOut(workflow, timeoutMs);
    throw err;
  }
  const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : undefined;
  if (res.FunctionError) {
    // Lambda's own report of a runner that ran out of time; anything else it threw is a crash.
    if (/Task timed out|Sandbox\.Timedout/.test(text ?? '')) throw new RunnerTimedOut(workflow, timeoutMs);
    throw new RunnerFailed(workflow, res.FunctionError);
  }
  return readPayload(workflow, text);
}
