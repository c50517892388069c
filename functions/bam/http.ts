import { noteAnswer } from './answers.js';
import { meantStatus } from './bam-status.js';
import { exchange, type Exchange } from './keep-alive.js';

/**
 * One HTTP exchange with a BAM server, with a hard timeout. The two failure kinds are kept
 * apart because failover logic depends on it: "unreachable" (refused, reset, timed out) says
 * the server may be down; "answered with an error" says it is alive and said no.
 */
const STALE_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/**
 * A URL as errors and logs may show it: origin and path only. The query can carry secrets
 * (REST v1 logs in with `?username=...&password=...`).
 */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * `text` without `url`'s query string (as sent, or decoded) nor the value of any secret-looking
 * parameter in it, for messages that may echo the request. Other values (a configuration name in
 * BAM's "not found") stay readable.
 */
export function withoutQuery(text: string, url: string): string {
  const at = url.indexOf('?');
  if (at < 0 || !text) return text;
  const query = url.slice(at + 1).split('#')[0]!;
  const secrets = query
    .split('&')
    .map((p) => p.split('='))
    .filter(([name]) => SECRET_PARAM.test(safeDecode(name ?? '')))
    .map((p) => p.slice(1).join('='));
  const forms = [query, safeDecode(query), ...secrets, ...secrets.map(safeDecode)].filter((f) => f.length > 0);
  let out = text;
  for (const f of new Set(forms.sort((a, b) => b.length - a.length))) out = out.split(f).join('[redacted]');
  return out;
}

const SECRET_PARAM = /pass|secret|token|key|auth|credential/i;

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

export class BamUnreachableError extends Error {
  /** Origin and path of the request; never its query. */
  readonly url: string;

  constructor(
    url: string,
    readonly reason: 'timeout' | 'refused' | 'network',
    detail: string,
    readonly code = '',
  ) {
    super(`Address Manager at ${safeUrl(url)} unreachable (${reason}): ${withoutQuery(detail, url)}`);
    this.name = 'BamUnreachableError';
    this.url = safeUrl(url);
  }
}

export class BamHttpError extends Error {
  /** Origin and path of the request, when known; never its query. */
  readonly url?: string;
  /** The status BAM meant (see bam-status.ts: a 500 saying rights are missing is a 403). */
  readonly status: number;

  constructor(
    /** The HTTP status BAM answered. */
    readonly answeredStatus: number,
    readonly bamMessage: string,
    readonly body: unknown,
    url?: string,
  ) {
    super(`Address Manager answered ${answeredStatus}: ${bamMessage}`);
    this.name = 'BamHttpError';
    this.status = meantStatus(answeredStatus, bamMessage);
    if (url) this.url = safeUrl(url);
  }
}

export interface BamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
  /** Safe to send twice. Default: GET, PUT, DELETE. */
  idempotent?: boolean;
}

export interface BamResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function bamFetch(url: string, req: BamRequest): Promise<BamResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(req.json);
  }
  const method = req.method ?? 'GET';
  const idempotent = req.idempotent ?? ['GET', 'PUT', 'DELETE'].includes(method);
  // The timeout covers the body and a retry too: a server that stalls is as hung as one that never answers.
  const deadline = Date.now() + req.timeoutMs;
  let res: Exchange;
  let sentAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      sentAt = Date.now();
      res = await exchange(url, method, headers, body, deadline);
      break;
    } catch (err) {
      const unreachable = toUnreachable(url, err);
      // A pooled keep-alive connection the server already closed (it restarted, or dropped idle sockets) fails
      // at once without the request being served: one fresh attempt is safe for idempotent calls.
      if (attempt === 1 && idempotent && unreachable.reason === 'network' && STALE_CONNECTION.has(unreachable.code)) continue;
      throw unreachable;
    }
  }
  if (res.status < 400) noteAnswer(url, sentAt);
  const parsed = parseBody(res.text);
  if (res.status >= 400) {
    // BAM may echo the request (its query included) in an error: keep none of it.
    const scrubbed = parseBody(withoutQuery(res.text, url));
    throw new BamHttpError(res.status, errorMessage(scrubbed, res.statusText), scrubbed, url);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body) return body.slice(0, 300);
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  return fallback || 'error';
}

function toUnreachable(url: string, err: unknown): BamUnreachableError {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new BamUnreachableError(url, 'timeout', 'no answer in time');
  const code = e?.code ?? e?.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return new BamUnreachableError(url, 'refused', 'connection refused');
  return new BamUnreachableError(url, 'network', code || e?.cause?.message || e?.message || 'network error', code);
}
