import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonOf, send } from '../../bench/support/http-client.js';

/** The benchmarks' client: what a load loop counts as an answer, and as none. */
describe("the benchmarks' HTTP client", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });
  const serve = async (handle: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void) => {
    let n = 0;
    server = http.createServer((req, res) => handle(++n, req, res));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  };

  it('answers status, headers and body, with a JSON body sent as given', async () => {
    const url = await serve((_, req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(201, { 'retry-after': '2' }).end(JSON.stringify({ got: JSON.parse(body) })));
    });
    const r = await send(url, 'POST', { 'content-type': 'application/json' }, JSON.stringify({ a: 'é' }));
    expect([r.status, r.headers['retry-after'], jsonOf(r)]).toEqual([201, '2', { got: { a: 'é' } }]);
    expect(jsonOf({ status: 200, headers: {}, text: 'not json' })).toEqual({});
  });

  it('sends once more a request whose kept-alive socket was reset, and only once', async () => {
    const url = await serve((n, req, res) => (n === 2 ? req.socket.destroy() : res.end(String(n))));
    expect((await send(url, 'GET', {})).text).toBe('1');
    expect((await send(url, 'GET', {})).text).toBe('3'); // the second request's socket was reset: sent again
  });

  it('rejects when a fresh socket is reset too (no answer at all)', async () => {
    const url = await serve((_, req) => req.socket.destroy());
    await expect(send(url, 'GET', {}, undefined, new http.Agent({ keepAlive: false }))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
