/** A tiny HTTP client for the tests: real requests to the local API. */
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(base: string, method: string, path: string, opts: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Logs in and answers the bare token (the part after `BAMAuthToken: `), as BlueCat clients do. */
export async function login(base: string, username: string, password: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await call(base, 'POST', '/rest_login', { json: { username, password, ...extra } });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.access_token).split(' ')[1]!;
}

/** Polls until `check` holds (failover transitions take probe rounds), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
