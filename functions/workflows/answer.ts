import { GatewayError } from '../kernel/errors.js';
import type { HttpResult } from '../kernel/http.js';
import type { RunnerAnswer, RunnerFailure } from './ports.js';

/**
 * The trusted side builds every HTTP answer of a workflow route itself, from what the runner
 * reported: a JSON body (or a listed text type, sent as an attachment), a status from an
 * allow-list, and its own headers. No header or cookie of the runner's reaches the client but
 * `Retry-After`. Anything else is refused: `WorkflowAnswerRefused`, a 502 with the workflow's
 * default message (the reason goes to the log only).
 */
export const SUCCESS_STATUSES = [200, 201, 202, 204];
/** Errors a workflow may answer itself; 401 and 5xx stay the gateway's (a 401 would end a web UI session). */
export const ERROR_STATUSES = [400, 403, 404, 405, 409, 410, 412, 413, 415, 422, 429];
export const ATTACHMENT_TYPES = ['text/csv', 'text/plain'];
/** The largest answer passed on (an API Gateway answer may be 10 MB; a workflow's has no reason to be). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** On every answer of a workflow route: never sniffed into HTML, never able to run script if opened. */
export const WORKFLOW_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
  'cache-control': 'no-store',
};

export class WorkflowAnswerRefused extends Error {
  constructor(readonly reason: string) {
    super(`the workflow's answer was refused: ${reason}`);
    this.name = 'WorkflowAnswerRefused';
  }
}

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8)?$/i;
const PASSED = new Set(['content-type', 'content-disposition', 'retry-after']);

/** A Retry-After the gateway passes: whole seconds, 0 to one day. */
function retryAfter(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 86_400) throw new WorkflowAnswerRefused('Retry-After is not a number of seconds');
  return { 'retry-after': String(Number(value)) };
}

function lowerHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  const extra = Object.keys(out).filter((k) => !PASSED.has(k));
  if (extra.length > 0) throw new WorkflowAnswerRefused(`headers the gateway does not pass: ${extra.slice(0, 5).join(', ')}`);
  return out;
}

/** A file name for Content-Disposition: letters, digits, . _ - only (at most 100). */
function safeFilename(disposition: string | undefined): string {
  const m = /filename="?([^";]*)"?/.exec(disposition ?? '');
  const name = (m?.[1] ?? '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return name && !/^\.+$/.test(name) ? name : 'download.txt';
}

/** The HTTP answer of a successful runner result, or WorkflowAnswerRefused. */
export function buildAnswer(a: RunnerAnswer): HttpResult {
  if (!SUCCESS_STATUSES.includes(a.status) && !ERROR_STATUSES.includes(a.status)) throw new WorkflowAnswerRefused(`status ${a.status} is not one a workflow may answer`);
  const h = lowerHeaders(a.headers);
  const body = a.body ?? '';
  if (Buffer.byteLength(body) > MAX_ANSWER_BYTES) throw new WorkflowAnswerRefused(`the body is over ${MAX_ANSWER_BYTES} bytes`);
  const base = { ...WORKFLOW_HEADERS, ...retryAfter(h['retry-after']) };
  if (a.status === 204) {
    if (body !== '') throw new WorkflowAnswerRefused('a 204 answer has a body');
    return { statusCode: 204, headers: base, body: '' };
  }
  const type = (h['content-type'] ?? '').trim();
  const textType = ATTACHMENT_TYPES.find((t) => type.toLowerCase().split(';')[0]!.trim() === t);
  if (textType)
    return {
      statusCode: a.status,
      headers: { ...base, 'content-type': `${textType}; charset=utf-8`, 'content-disposition': `attachment; filename="${safeFilename(h['content-disposition'])}"` },
      body,
    };
  if (!JSON_TYPE.test(type)) throw new WorkflowAnswerRefused(`content type "${type.slice(0, 60)}" is neither JSON nor a listed attachment type`);
  if (h['content-disposition'] !== undefined) throw new WorkflowAnswerRefused('a JSON answer with Content-Disposition');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new WorkflowAnswerRefused('the body is not JSON');
  }
  // Serialised again by the gateway: what reaches the client is JSON the gateway wrote.
  return { statusCode: a.status, headers: { ...base, 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** A gateway error the workflow threw, as the client may see it, or WorkflowAnswerRefused. */
export function workflowError(f: Extract<RunnerFailure, { kind: 'gateway' }>): GatewayError {
  if (!ERROR_STATUSES.includes(f.status)) throw new WorkflowAnswerRefused(`error status ${f.status} is not one a workflow may answer`);
  const h = lowerHeaders(f.headers);
  if (Object.keys(h).some((k) => k !== 'retry-after')) throw new WorkflowAnswerRefused('an error with headers other than Retry-After');
  if (f.details !== undefined && JSON.stringify(f.details).length > 16_384) throw new WorkflowAnswerRefused('error details over 16 KB');
  return new GatewayError(f.status, f.code, f.message, f.details, retryAfter(h['retry-after']));
}

/** Every answer of the workflows function leaves with the gateway's headers and without cookies. */
export function secureWorkflowResponse(r: HttpResult): HttpResult {
  const { cookies: _drop, ...rest } = r;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) if (k.toLowerCase() !== 'set-cookie') headers[k.toLowerCase()] = String(v);
  return { ...rest, headers: { ...headers, ...WORKFLOW_HEADERS } };
}
