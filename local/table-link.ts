import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One node's network path to the table, as a loopback HTTP proxy in front of the embedded
 * DynamoDB. Cutting it simulates a region that lost its quorum of the strongly consistent global
 * table: every request of that node fails (503, as an unreachable endpoint would make the SDK give
 * up), while the other node still reaches the table. It also counts requests by operation, which
 * is how the benchmarks measure the gateway's write rate.
 */
export class TableLink {
  cut = false;
  readonly counts = new Map<string, number>();
  private server?: http.Server;
  endpoint = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    const target = new URL(this.target);
    this.server = http.createServer((req, res) => {
      const op =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() || 'unknown';
      if (this.cut) {
        req.resume();
        res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'local partition: this node cannot reach the table' }));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.count(op, body);
        const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => {
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      });
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Counts a request by operation, and writes also by item kind (`UpdateItem GROUP`, `PutItem SESSION`, ...). */
  private count(op: string, body: Buffer): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    if (!/^(PutItem|UpdateItem|DeleteItem)$/.test(op)) return;
    let pk = '?';
    try {
      const input = JSON.parse(body.toString('utf8')) as { Key?: { pk?: { S?: string } }; Item?: { pk?: { S?: string } } };
      pk = (input.Key ?? input.Item)?.pk?.S?.split('#')[0] ?? '?';
    } catch {
      /* not JSON: counted by operation only */
    }
    const kind = `${op} ${pk}`;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** Requests that reached the table, by operation (PutItem, UpdateItem, GetItem, ...) and writes by item kind. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
