import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RunnerRequest, RunnerResponse } from '../workflows/runner-protocol.js';

/**
 * Calls the sandboxed workflow runner. In AWS (WORKFLOW_RUNNER_FUNCTION set) it is a synchronous
 * Lambda invocation of that function; locally it is the runner's handler export, registered by
 * local/runtime.ts, called with the payload round-tripped through JSON as Lambda would.
 */
export type RunnerHandler = (event: RunnerRequest) => Promise<RunnerResponse>;

let localRunner: RunnerHandler | undefined;
let lambda: Promise<LambdaClient> | undefined;

/** Local mode only: the in-process runner (the same handler export Lambda would call). */
export function registerLocalRunner(handler: RunnerHandler): void {
  localRunner = handler;
}

const CRASH: RunnerResponse = { ok: false, error: { kind: 'crash' } };

export async function invokeRunner(req: RunnerRequest): Promise<RunnerResponse> {
  const fn = process.env.WORKFLOW_RUNNER_FUNCTION;
  if (fn) return invokeLambda(fn, req);
  if (!localRunner) throw new Error('no workflow runner: set WORKFLOW_RUNNER_FUNCTION, or register the local runner');
  const event = JSON.parse(JSON.stringify(req)) as RunnerRequest;
  return JSON.parse(JSON.stringify(await localRunner(event))) as RunnerResponse;
}

async function invokeLambda(functionName: string, req: RunnerRequest): Promise<RunnerResponse> {
  // Created on first use, so the local runtime never loads the Lambda client.
  lambda ??= import('@aws-sdk/client-lambda').then(({ LambdaClient }) => new LambdaClient({}));
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const res = await (await lambda).send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(req)) }));
  // A runner that threw, timed out or ran out of memory: Lambda reports FunctionError and the runner's log has the details.
  if (res.FunctionError || !res.Payload) return CRASH;
  return JSON.parse(Buffer.from(res.Payload).toString('utf8')) as RunnerResponse;
}
