import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { BamV1Client } from '../../functions/bam/v1-client.js';
import { BamUnreachableError, bamFetch } from '../../functions/bam/http.js';
import { bamConnections } from '../../functions/bam/keep-alive.js';

describe('keep-alive connections to BAM', () => {
  let cluster: SimCluster;
  beforeEach(async () => {
    cluster = await new SimCluster().start();
  });
  afterEach(async () => cluster.close());
  const pool = (name: string) => bamConnections()[new URL(cluster.server(name).url).origin] ?? { active: 0, idle: 0 };

  it('sequential calls to one server share one connection', async () => {
    const c = new BamV1Client(cluster.server('bam1').url, 2000);
    await c.login('alice', 'alice-pass');
    for (let i = 0; i < 5; i++) await c.getEntities(0, 'Configuration');
    expect(pool('bam1')).toEqual({ active: 0, idle: 1 });
  });

  it('a hung server keeps no connection: the timed-out request destroys its socket', async () => {
    const c = new BamV1Client(cluster.server('bam1').url, 300);
    await c.login('alice', 'alice-pass');
    cluster.server('bam1').hang();
    for (let i = 0; i < 3; i++) await expect(c.getEntities(0, 'Configuration')).rejects.toMatchObject({ reason: 'timeout' });
    await new Promise((r) => setTimeout(r, 50)); // the pool forgets a destroyed socket on its 'close' event
    expect(pool('bam1')).toEqual({ active: 0, idle: 0 });
  });

  it('after a restart the next call works, on a fresh connection', async () => {
    const c = new BamV1Client(cluster.server('bam1').url, 2000);
    await c.getSystemInfo().catch(() => undefined);
    await cluster.server('bam1').restart();
    await expect(new BamV1Client(cluster.server('bam1').url, 2000).login('alice', 'alice-pass')).resolves.toMatchObject({ version: 1 });
    expect(pool('bam1').idle).toBeLessThanOrEqual(1);
  });
});

describe('a pooled connection the server dropped', () => {
  // Answers the first request on each connection, then cuts the connection at its next request:
  // what a client sees when BAM closed an idle keep-alive socket just as it was reused.
  let server: http.Server;
  let url: string;
  let requests = 0;
  beforeEach(async () => {
    requests = 0;
    server = http.createServer((req, res) => {
      requests++;
      const s = req.socket as Socket & { served?: boolean };
      if (s.served) return void s.destroy();
      s.served = true;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('an idempotent call is sent again once, on a new connection, and succeeds', async () => {
    await bamFetch(`${url}/a`, { timeoutMs: 2000 });
    await expect(bamFetch(`${url}/b`, { timeoutMs: 2000 })).resolves.toMatchObject({ status: 200, body: { ok: true } });
    expect(requests).toBe(3);
  });

  it('a non-idempotent call is not sent twice: it fails as unreachable (network)', async () => {
    await bamFetch(`${url}/a`, { timeoutMs: 2000 });
    const err = await bamFetch(`${url}/b`, { method: 'POST', json: {}, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BamUnreachableError);
    expect(err).toMatchObject({ reason: 'network', code: 'ECONNRESET' });
    expect(requests).toBe(2);
  });
});
