import http from 'node:http';
import type { Reply } from './client.js';

/**
 * A real HTTP request sent from another loopback address (127.0.0.0/8 is all loopback on
 * Linux), so the gateway sees a different source IP, as it would for another client.
 */
export function callFrom(ip: string, base: string, method: string, path: string, opts: { json?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(path, base);
  const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
  const headers: Record<string, string> = { ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: ip, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep text */
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: h, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const loginFrom = (ip: string, base: string, username: string, password: string) => callFrom(ip, base, 'POST', '/rest_login', { json: { username, password } });
