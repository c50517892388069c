import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer } from '../../local/control-server.js';
import { withSecurityBaseline } from '../../local/response-headers.js';

/**
 * The control server a gateway node in a worker thread (node b) reaches the local controls through:
 * it refuses what node a's API refuses at /_local/ (a browser's cross-site request, a foreign Host).
 */
const calls: string[] = [];
let server: Awaited<ReturnType<typeof startControlServer>>;
beforeAll(async () => {
  server = await startControlServer(async (method, path, _body, serving) => {
    calls.push(`${method} ${path} ${serving ?? '-'}`);
    return { status: 200, body: { ok: true } };
  });
});
afterAll(async () => server?.close());

function send(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("node b's control server", () => {
  it('serves the node worker (no Origin, a loopback Host), naming the serving node', async () => {
    const r = await send('POST', '/_local/bam/bam1/stop', { 'x-serving-node': 'b' });
    expect(r.status).toBe(200);
    expect(calls.pop()).toBe('POST /_local/bam/bam1/stop b');
  });

  it('refuses a cross-site request, a foreign or opaque Origin and a foreign Host, without running the control', async () => {
    const { port } = new URL(server.url);
    const foreign: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://127.0.0.1:1' },
      { host: `attacker.example:${port}` },
    ];
    for (const headers of foreign) {
      expect((await send('POST', '/_local/bam/bam1/stop', headers)).status).toBe(403);
    }
    expect((await send('GET', '/_local/state', { host: 'attacker.example' })).status).toBe(403);
    expect((await send('GET', '/anything-else')).status).toBe(404);
    expect(calls).toEqual([]);
  });

  it("answers with nosniff and frame-ancestors 'none'", async () => {
    const r = await send('GET', '/_local/state');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    calls.length = 0;
  });
});

describe('the security baseline of local answers', () => {
  it("adds frame-ancestors 'none' to a CSP without one, keeps one that has it, and sets a restrictive one otherwise", () => {
    expect(withSecurityBaseline({ 'Content-Type': 'application/json' })).toEqual({
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    expect(withSecurityBaseline({ 'content-security-policy': "sandbox; default-src 'none'" })['content-security-policy']).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
    expect(withSecurityBaseline({ 'content-security-policy': "default-src 'self'; frame-ancestors 'none'" })['content-security-policy']).toBe("default-src 'self'; frame-ancestors 'none'");
  });
});
