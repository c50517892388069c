import http from 'node:http';
import https from 'node:https';

/**
 * Keep-alive HTTP(S) to BAM: one connection pool per server (origin), reused across requests and,
 * in Lambda, across invocations. `http.request` on a pooled socket costs a fraction of `fetch`.
 *
 * No leak when a server hangs or restarts: a request past its deadline destroys its socket (it never
 * goes back to the pool); an idle socket is closed after FREE_SOCKET_MS, before BAM's own keep-alive
 * timeout (5 s in Apache's default) would close it under us; and after a pause longer than that
 * (a frozen Lambda, whose timers did not run), the idle sockets are dropped before the next request.
 */
const FREE_SOCKET_MS = 4000;
const MAX_FREE_SOCKETS = 64;

export interface Exchange {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

interface Pool {
  agent: http.Agent;
  lastUsedAt: number;
}

const pools = new Map<string, Pool>();

function poolFor(u: URL): Pool {
  let pool = pools.get(u.origin);
  if (!pool) {
    const opts = { keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS, timeout: FREE_SOCKET_MS };
    pool = { agent: u.protocol === 'https:' ? new https.Agent(opts) : new http.Agent(opts), lastUsedAt: Date.now() };
    pools.set(u.origin, pool);
  }
  if (Date.now() - pool.lastUsedAt > FREE_SOCKET_MS) dropIdle(pool.agent);
  pool.lastUsedAt = Date.now();
  return pool;
}

function dropIdle(agent: http.Agent): void {
  for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) s.destroy();
}

const timeoutError = () => Object.assign(new Error('no answer in time'), { name: 'TimeoutError' });

/** One request and its whole body, by `deadline` (epoch ms); rejects with Node's network error, or a TimeoutError. */
export function exchange(url: string, method: string, headers: Record<string, string>, body: string | undefined, deadline: number): Promise<Exchange> {
  const u = new URL(url);
  const pool = poolFor(u);
  return new Promise<Exchange>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pool.lastUsedAt = Date.now();
      fn();
    };
    const sendHeaders = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = (u.protocol === 'https:' ? https : http).request(u, { method, headers: sendHeaders, agent: pool.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        settle(() => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) h.append(k, one);
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: h, text: Buffer.concat(chunks).toString('utf8') });
        }),
      );
      res.on('error', (err) => settle(() => reject(err)));
      res.on('close', () => settle(() => reject(Object.assign(new Error('connection closed before the answer ended'), { code: 'ECONNRESET' }))));
    });
    // Destroying the request destroys its socket: a hung server's connection is never reused.
    const timer = setTimeout(() => req.destroy(timeoutError()), Math.max(0, deadline - Date.now()));
    req.on('error', (err) => settle(() => reject(err)));
    req.end(body);
  });
}

/** Open connections to BAM, per origin: `active` serve a request now, `idle` wait in the pool. For tests and benches. */
export function bamConnections(): Record<string, { active: number; idle: number }> {
  const out: Record<string, { active: number; idle: number }> = {};
  const count = (m: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(m).reduce((n, l) => n + (l?.length ?? 0), 0);
  for (const [origin, { agent }] of pools) out[origin] = { active: count(agent.sockets), idle: count(agent.freeSockets) };
  return out;
}
