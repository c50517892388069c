import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeServer } from '../../functions/bam/probe.js';
import { makeCerts } from '../support/test-certs.js';

const certs = makeCerts();
let failoverBody = '';
let failoverType = 'application/json';
let failover: https.Server;
let rest: http.Server;
let failoverUrl = '';
let restUrl = '';

beforeAll(async () => {
  // BAM's Failover API: its own HTTPS port, a client certificate signed by the cluster's CA required.
  failover = https.createServer({ cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.writeHead(req.url === '/bam/v1/health' ? 200 : 404, { 'content-type': failoverType }).end(failoverBody);
  });
  rest = http.createServer((req, res) => res.writeHead(req.url === '/servlets/health' ? 200 : 404).end('OK'));
  await new Promise<void>((r) => failover.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => rest.listen(0, '127.0.0.1', r));
  failoverUrl = `https://127.0.0.1:${(failover.address() as AddressInfo).port}`;
  restUrl = `http://127.0.0.1:${(rest.address() as AddressInfo).port}`;
});
afterAll(async () => {
  failover.closeAllConnections();
  rest.closeAllConnections();
  await new Promise((r) => failover.close(r));
  await new Promise((r) => rest.close(r));
});

const tls = { urls: {}, clientCert: certs.clientCert, clientKey: certs.clientKey, ca: certs.ca };
const health = (role: string) => JSON.stringify({ status: 'UP', details: { replicationMetrics: { node: { replicationRole: role } } } });

describe('probe chain: Failover API (mutual TLS) → read-only getSystemInfo → liveness', () => {
  it("reads the role from the Failover API with the client certificate; Standalone is the gateway's PRIMARY", async () => {
    failoverBody = health('Standalone');
    failoverType = 'application/json';
    const r = await probeServer('bam2', restUrl, 3000, { failoverApi: { url: failoverUrl, tls } });
    expect(r).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Standalone', source: 'failover-api' });
  });

  it('a client certificate from another CA is refused by TLS: classified, and getSystemInfo answers instead', async () => {
    failoverBody = health('Primary');
    const other = { ...tls, clientCert: certs.otherCa.certPem, clientKey: certs.otherCa.keyPem };
    const r = await probeServer('bam1', restUrl, 3000, { failoverApi: { url: failoverUrl, tls: other }, systemInfo: async () => ({ replicationRole: 'Standby' }) });
    expect(r).toMatchObject({ ok: true, role: 'STANDBY', reportedRole: 'Standby', source: 'system-info', lastFailure: 'failover-api: tls-refused' });
  });

  it('a 200 HTML page where the Failover API was expected is "no role", and the chain goes on', async () => {
    failoverBody = '<html><body>Address Manager</body></html>';
    failoverType = 'text/html';
    const r = await probeServer('bam1', restUrl, 3000, { failoverApi: { url: failoverUrl, tls }, systemInfo: async () => ({ replicationRole: 'Primary' }) });
    expect(r).toMatchObject({ ok: true, role: 'PRIMARY', source: 'system-info', lastFailure: 'failover-api: no-role' });
  });

  it("every role step failing still tells liveness, with the last failure's class", async () => {
    failoverBody = '{}';
    failoverType = 'application/json';
    const r = await probeServer('bam1', restUrl, 3000, { failoverApi: { url: failoverUrl, tls }, systemInfo: () => Promise.reject(new Error('refused')) });
    expect(r).toMatchObject({ ok: true, role: 'UNKNOWN', source: 'liveness', lastFailure: 'system-info: unreachable' });
  });
});
