import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { foreignControlRequest, type LocalControls } from './api-server.js';
import { withSecurityBaseline } from './response-headers.js';

/**
 * The local controls over HTTP for a gateway node in a worker thread (node b, or a single node in a
 * thread of its own): it reaches them through this server. It refuses what node a's API refuses at
 * `/_local/` (a browser's cross-site request, a Host not on loopback), and answers nothing else.
 */
export async function startControlServer(controls: LocalControls): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, withSecurityBaseline({ 'content-type': 'application/json' }));
      res.end(JSON.stringify(body));
    };
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const method = (req.method ?? 'GET').toUpperCase();
      const refused = foreignControlRequest(req, method);
      if (refused) return send(403, { code: 'Forbidden', message: refused, status: 403 });
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!path.startsWith('/_local/')) return send(404, { code: 'NotFound', message: 'Only local controls are served here.', status: 404 });
      const serving = req.headers['x-serving-node'];
      const answer = await controls(method, path, Buffer.concat(chunks).toString('utf8'), typeof serving === 'string' ? serving : undefined);
      send(answer?.status ?? 404, answer?.body ?? { code: 'NotFound', message: `No local control ${method} ${path}.`, status: 404 });
    } catch (err) {
      console.error('local control server: control failed', err);
      send(500, { code: 'InternalServerError', message: 'Internal Server Error', status: 500 });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
