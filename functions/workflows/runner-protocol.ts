import { GatewayError } from '../commons/errors.js';
import type { HttpResult } from '../commons/http.js';
import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import type { BamCredential } from '../bam/credential.js';
import type { MonitoringState } from '../domain/monitor-machine.js';
import type { NodeState } from '../group/node-state.js';
import type { HttpMethod } from './define.js';

/**
 * What the trusted `workflows` function sends the sandboxed `workflow-runner` function: plain JSON,
 * already authenticated, authorised and validated. It holds the caller's own BAM credential for the
 * bound server and nothing else secret: no session token, no service password, no data key.
 */
export interface RunnerRequest {
  correlationId: string;
  workflow: string;
  route: { method: HttpMethod; path: string };
  input: { query: unknown; body: unknown; params: Record<string, string> };
  username: string;
  bam: { url: string; apiVersion: 1 | 2; timeoutMs: number; credential: BamCredential };
  platform: { primaryUrl: string | null; monitoringState: MonitoringState; nodeState: NodeState };
  request: { method: HttpMethod; path: string; headers: Record<string, string> };
}

/** A failure as the runner reports it; the trusted side turns it back into the error it was. */
export type RunnerFailure =
  | { kind: 'gateway'; status: number; code: string; message: string; details?: unknown; headers: Record<string, string> }
  | { kind: 'bam-http'; status: number; bamMessage: string }
  | { kind: 'bam-unreachable'; reason: BamUnreachableError['reason'] }
  | { kind: 'crash' };

export type RunnerResponse = { ok: true; result: HttpResult } | { ok: false; error: RunnerFailure };

/** Headers that carry the caller's session or other secrets: the runner never receives them. */
const SECRET_HEADER = /^(auth|authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-amz-security-token)$|token|secret|password|session|credential/i;

export function safeHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !SECRET_HEADER.test(name)) out[name.toLowerCase()] = value;
  return out;
}

/** Runner side: what a workflow threw, as JSON (internals of unexpected errors stay in the runner's log). */
export function serializeError(err: unknown): RunnerFailure {
  if (err instanceof GatewayError)
    return { kind: 'gateway', status: err.status, code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}), headers: err.headers };
  if (err instanceof BamHttpError) return { kind: 'bam-http', status: err.status, bamMessage: err.bamMessage };
  if (err instanceof BamUnreachableError) return { kind: 'bam-unreachable', reason: err.reason };
  return { kind: 'crash' };
}

/** Thrown on the trusted side when the runner crashed: mapped to the workflow's default 500. */
export class WorkflowCrashedError extends Error {
  constructor() {
    super('the workflow runner reported an unexpected error (see its log under the same correlation id)');
    this.name = 'WorkflowCrashedError';
  }
}

/** Trusted side: the error the runner reported, rebuilt as the type the gateway's mapping expects. */
export function rebuildError(f: RunnerFailure, bamUrl: string): Error {
  switch (f.kind) {
    case 'gateway':
      return new GatewayError(f.status, f.code, f.message, f.details, f.headers);
    case 'bam-http':
      return new BamHttpError(f.status, f.bamMessage, undefined);
    case 'bam-unreachable':
      return new BamUnreachableError(bamUrl, f.reason, 'reported by the workflow runner');
    default:
      return new WorkflowCrashedError();
  }
}
