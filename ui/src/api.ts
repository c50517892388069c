/**
 * The UI's one way to call the gateway: same origin, the session cookie (HttpOnly: never seen
 * here), and for every change the session's CSRF token and a JSON body (docs/web-ui.md). A failover 503
 * and a 401 are reported to the app, which takes the user to the login page keeping their page.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get failover(): boolean {
    return this.status === 503 && this.code === 'FailoverProcessing';
  }
}

type Listener = (err: ApiError) => void;
let csrfToken: string | undefined;
let onSessionLost: Listener | undefined;

/**
 * A call made more than this long after the user last clicked, tapped or typed is the page's own
 * (its heartbeat, a live view refreshing): it is sent with `x-gateway-heartbeat`, so it does not
 * count as activity for the session's idle timeout. Loading the page counts as a gesture.
 */
export const GESTURE_MS = 5000;
let lastGesture = performance.now();
for (const type of ['pointerdown', 'keydown'] as const) addEventListener(type, () => void (lastGesture = performance.now()), { capture: true, passive: true });

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/**
 * Called for a failover 503 or a 401 on a signed-in call (never for the login page's own checks).
 * Returns the listener it replaces, so a caller that sets it aside can put it back.
 */
export function onSessionTrouble(listener: Listener | undefined): Listener | undefined {
  const previous = onSessionLost;
  onSessionLost = listener;
  return previous;
}

interface Options {
  body?: unknown;
  /** The caller handles 401/503 itself (the login page). */
  quiet?: boolean;
}

export async function api<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  const change = method !== 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (performance.now() - lastGesture > GESTURE_MS) headers['x-gateway-heartbeat'] = '1';
  if (change) {
    headers['content-type'] = 'application/json';
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(change ? { body: JSON.stringify(opts.body ?? {}) } : {}) });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (res.ok) return data as T;
  const err = toError(res, data);
  if (!opts.quiet && (err.failover || res.status === 401)) onSessionLost?.(err);
  throw err;
}

function toError(res: Response, data: unknown): ApiError {
  const d = (data ?? {}) as { code?: unknown; message?: string; description?: string; status?: unknown; errors?: { code?: string; detail?: string }[] };
  const retry = Number(res.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  // BlueCat's failover answer: {"code": 503, "status": "FailoverProcessing", "description": ...}.
  if (res.status === 503 && d.status === 'FailoverProcessing') return new ApiError(503, 'FailoverProcessing', d.description ?? 'Address Manager failover in progress.', retryAfter ?? 2);
  const first = d.errors?.[0];
  const code = typeof d.code === 'string' ? d.code : (first?.code ?? `HTTP${res.status}`);
  return new ApiError(res.status, code, d.message ?? first?.detail ?? `The gateway answered ${res.status}.`, retryAfter);
}
