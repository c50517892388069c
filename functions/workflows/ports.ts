import * as z from 'zod/mini';
import type { BamCredential } from '../bam/credential.js';
import type { MonitoringState } from '../monitor/domain/monitor-machine.js';
import type { NodeState } from '../group/node-state.js';
import type { HttpMethod } from './define.js';

/**
 * What the trusted `workflows` function sends a workflow's own runner: plain JSON, already
 * authenticated and authorised. It holds the caller's BAM credential for the bound server and
 * nothing else secret: no session token, no service password, no data key. The input is raw (the
 * query string's values, the parsed JSON body): the runner validates it with the route's own
 * schemas, so a module's schema callbacks run there and nowhere else.
 */
export interface RunnerRequest {
  correlationId: string;
  workflow: string;
  route: { method: HttpMethod; path: string };
  input: { query: Record<string, string>; body: unknown; params: Record<string, string> };
  username: string;
  bam: { url: string; apiVersion: 1 | 2; timeoutMs: number; credential: BamCredential };
  platform: { primaryUrl: string | null; monitoringState: MonitoringState; nodeState: NodeState };
  request: { method: HttpMethod; path: string; headers: Record<string, string> };
}

/** The answer as the runner reports it: the trusted side builds the HTTP answer from it (answer.ts), or refuses it. */
export interface RunnerAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A failure as the runner reports it; the trusted side turns it back into the error it was. */
export type RunnerFailure =
  | { kind: 'gateway'; status: number; code: string; message: string; details?: unknown; headers?: Record<string, string> }
  | { kind: 'bam-http'; status: number; bamMessage: string }
  | { kind: 'bam-unreachable'; reason: 'refused' | 'timeout' | 'network' }
  | { kind: 'crash' };

export type RunnerResponse = { ok: true; result: RunnerAnswer } | { ok: false; error: RunnerFailure };

/**
 * Trusted side: the runner's response is the output of code the gateway does not trust, so it is
 * parsed strictly; anything else is refused (a 502 with the workflow's default message).
 */
const headers = z.optional(z.record(z.string().check(z.maxLength(128)), z.string().check(z.maxLength(8192))));
const RunnerResponseSchema = z.union([
  z.strictObject({ ok: z.literal(true), result: z.strictObject({ status: z.int(), headers, body: z.optional(z.string()) }) }),
  z.strictObject({
    ok: z.literal(false),
    error: z.union([
      z.strictObject({
        kind: z.literal('gateway'),
        status: z.int(),
        code: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/)),
        message: z.string().check(z.maxLength(1000)),
        details: z.optional(z.unknown()),
        headers,
      }),
      z.strictObject({ kind: z.literal('bam-http'), status: z.int().check(z.minimum(100), z.maximum(599)), bamMessage: z.string().check(z.maxLength(1000)) }),
      z.strictObject({ kind: z.literal('bam-unreachable'), reason: z.enum(['refused', 'timeout', 'network']) }),
      z.strictObject({ kind: z.literal('crash') }),
    ]),
  }),
]);

export function parseRunnerResponse(data: unknown): RunnerResponse | undefined {
  const parsed = z.safeParse(RunnerResponseSchema, data);
  return parsed.success ? (parsed.data as RunnerResponse) : undefined;
}

/** Headers that carry the caller's session or other secrets: the runner never receives them. */
const SECRET_HEADER = /^(auth|authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-amz-security-token|x-origin-verify)$|token|secret|password|session|credential|csrf/i;

export function safeHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !SECRET_HEADER.test(name)) out[name.toLowerCase()] = value;
  return out;
}
