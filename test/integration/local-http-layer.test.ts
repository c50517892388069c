import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';

/** A raw request (fetch would normalise the target or refuse HEAD bodies), answering status, headers and parsed body. */
function raw(base: string, method: string, target: string, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: target, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    if (body) req.write(body, () => undefined);
    req.end();
  });
}

const envelope = (status: number) => ({ code: expect.any(String), message: expect.any(String), status });

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ nodes: 2 });
});
afterAll(async () => stack?.close());

describe('the local HTTP layer answers every request in the envelope of docs/api.md', () => {
  it('an unparseable request target (GET //[) gets a 4xx JSON error, not a 500', async () => {
    const r = await raw(stack.url, 'GET', '//[');
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body).toEqual(envelope(r.status));
  });

  it("HEAD on node b's /_local/state answers like GET, without a body", async () => {
    const b = stack.nodes.get('b')!.url;
    const head = await raw(b, 'HEAD', '/_local/state');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toContain('application/json');
    expect(head.body).toBeUndefined();
    expect((await raw(b, 'GET', '/_local/state')).status).toBe(200);
  });

  it('a body over 10 MB gets a 413 with code and status', async () => {
    const r = await raw(stack.url, 'POST', '/rest_login', Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    expect(r.status).toBe(413);
    expect(r.body).toEqual(envelope(413));
  });

  it('a client that hangs up mid-request is not logged as a crash, and the server keeps serving', async () => {
    const errors = vi.spyOn(console, 'error');
    const { hostname, port } = new URL(stack.url);
    await new Promise<void>((resolve) => {
      const req = http.request({ hostname, port, method: 'POST', path: '/rest_login', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
      req.on('error', () => resolve());
      req.write('{"username":', () => setImmediate(() => req.destroy()));
      req.on('close', () => resolve());
    });
    // Let the server see the reset, then check it both logged nothing and still answers.
    await new Promise((r) => setTimeout(r, 300));
    expect((await raw(stack.url, 'GET', '/nowhere')).body).toEqual(envelope(404));
    expect(errors.mock.calls.filter((c) => String(c[0]).includes('handler crashed'))).toEqual([]);
    errors.mockRestore();
  });
});

describe('the local controls refuse what a web page could send', () => {
  const post = (headers: Record<string, string>) =>
    fetch(`${stack.url}/_local/user-manager`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: JSON.stringify({ command: 'list' }) });

  it('a cross-site request, a foreign Origin or an opaque one gets 403 and changes nothing', async () => {
    // Another server on a loopback port (any dev server) is another site too.
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'http://127.0.0.1:1' }] as Record<string, string>[]) {
      const r = await post(headers);
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ code: 'Forbidden', status: 403 });
    }
    const stop = await fetch(`${stack.url}/_local/bam/bam2/stop`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(stop.status).toBe(403);
    expect(stack.cluster!.server('bam2').mode).toBe('up');
  });

  it('a foreign Host (DNS rebinding) is refused even for reads; loopback, curl-like requests are served', async () => {
    const { hostname, port } = new URL(stack.url);
    const rebound = await new Promise<number>((resolve, reject) => {
      http
        .get({ hostname, port, path: '/_local/state', headers: { host: `attacker.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
        .on('error', reject);
    });
    expect(rebound).toBe(403);
    expect((await fetch(`${stack.url}/_local/state`)).status).toBe(200);
    expect(
      (await fetch(`${stack.url}/_local/bam/switchover-pause`, { method: 'POST', headers: { origin: stack.url, 'content-type': 'application/json' }, body: JSON.stringify({ ms: 1500 }) })).status,
    ).toBe(200);
  });
});

describe('every answer of the local servers, on both nodes', () => {
  it("carries x-content-type-options: nosniff and a CSP with frame-ancestors 'none': API answers, errors, controls, refusals, pages", async () => {
    const b = stack.nodes.get('b')!.url;
    const answers: [string, Response][] = [];
    for (const base of [stack.url, b]) {
      answers.push([`${base} login options`, await fetch(`${base}/ui/api/login-options`)]);
      answers.push([`${base} 401`, await fetch(`${base}/ui/api/session`)]);
      answers.push([`${base} 404`, await fetch(`${base}/no/such/route`)]);
      answers.push([`${base} 400`, await fetch(`${base}/rest_login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })]);
      answers.push([`${base} control`, await fetch(`${base}/_local/state`)]);
      answers.push([`${base} refused control`, await fetch(`${base}/_local/bam/bam2/stop`, { method: 'POST', headers: { origin: 'https://evil.example' } })]);
      answers.push([`${base} page`, await fetch(`${base}/login`)]);
    }
    for (const [what, r] of answers) {
      expect({ what, nosniff: r.headers.get('x-content-type-options') }).toEqual({ what, nosniff: 'nosniff' });
      expect({ what, csp: r.headers.get('content-security-policy') }).toEqual({ what, csp: expect.stringMatching(/(^|;)\s*frame-ancestors 'none'/) });
      await r.body?.cancel();
    }
  });
});
