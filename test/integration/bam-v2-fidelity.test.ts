import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BamV2Client } from '../../functions/bam/v2-client.js';
import { findZoneV2 } from '../../functions/bam/v2-lookups.js';
import { parseConfig } from '../../functions/wiring/config.js';

/** A tiny REST v2 as BAM documents it: nested zones, name:eq filters only, PATCH as merge-patch, 500 for missing rights. */
const zones: Record<string, { id: number; name: string }[]> = { '/api/v2/views/1/zones': [{ id: 10, name: 'com' }], '/api/v2/zones/10/zones': [{ id: 11, name: 'example' }] };
let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'PATCH') return req.headers['content-type'] === 'application/merge-patch+json' ? send(200, { id: 5, state: 'LOGGED_OUT' }) : send(415, { message: 'Unsupported Media Type' });
    if (req.method === 'POST') return send(500, { message: 'User bob does not have sufficient access rights for this operation' });
    const m = /^name:eq\('([^']*)'\)$/.exec(u.searchParams.get('filter') ?? '');
    if (!m) return send(400, { message: 'Unsupported filter' });
    send(200, { data: (zones[u.pathname] ?? []).filter((z) => z.name === m[1]) });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('REST v2 against BAM semantics', () => {
  it('finds example.com nested under com, under the view', async () => {
    expect(await findZoneV2(new BamV2Client(base, 2000), 1, 'example.com')).toEqual({ id: 11, name: 'example' });
  });

  it('logs out with a merge-patch PATCH (any other content type is a 415)', async () => {
    const c = new BamV2Client(base, 2000, { version: 2, authorization: 'Basic x', sessionId: 5 });
    await expect(c.logout()).resolves.toBeUndefined();
  });

  it('a 500 saying access rights are missing is a 403', async () => {
    const err = await new BamV2Client(base, 2000).httpPost('/zones/11/resourceRecords', {}).catch((e) => e);
    expect(err).toMatchObject({ status: 403, answeredStatus: 500 });
  });
});

describe('Failover API configuration', () => {
  const env = { TABLE_NAME: 'gateway', BAM_SERVERS: 'bam1=http://h1,bam2=http://h2', GATEWAY_SERVICE_USERNAME: 'svc', GATEWAY_SERVICE_PASSWORD: 'pw' };
  const pem = (k: string) => `-----BEGIN ${k}-----\nAAAA\n-----END ${k}-----`;
  it('reads per-server URLs and the PEM material', () => {
    const c = parseConfig({
      ...env,
      BAM_FAILOVER_API: 'bam1=https://127.0.0.1:8444',
      BAM_FAILOVER_CLIENT_CERT: pem('CERTIFICATE'),
      BAM_FAILOVER_CLIENT_KEY: pem('PRIVATE KEY'),
      BAM_FAILOVER_CA: pem('CERTIFICATE'),
    });
    expect(c.failoverApi?.urls).toEqual({ bam1: 'https://127.0.0.1:8444' });
  });
  it.each([
    [{ BAM_FAILOVER_API: 'bam1=http://x:8444' }, /BAM_FAILOVER_API/],
    [{ BAM_FAILOVER_API: 'bam9=https://x:8444' }, /BAM_FAILOVER_API: "bam9"/],
    [{ BAM_FAILOVER_API: 'bam1=https://x:8444' }, /BAM_FAILOVER_CLIENT_KEY: required/],
    [{ BAM_FAILOVER_CA: 'not a pem' }, /BAM_FAILOVER_CA/],
  ])('names the variable at fault %#', (override, pattern) => {
    expect(() => parseConfig({ ...env, ...override })).toThrow(pattern);
  });
});
