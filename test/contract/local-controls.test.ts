import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call } from '../support/client.js';
import { tlsRequest } from './bam-http.js';

/** The local runtime's wiring of the simulated Failover API, and its promote and readd controls (modelled). */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => stack?.close());

const role = (name: string) => stack.cluster!.snapshot().find((s) => s.name === name)!.role;

describe('local runtime', () => {
  it('passes the gateway each server\'s Failover API address, a client certificate and key, and the CA', async () => {
    const { BAM_FAILOVER_API, BAM_FAILOVER_CLIENT_CERT, BAM_FAILOVER_CLIENT_KEY, BAM_FAILOVER_CA } = stack.env;
    expect(BAM_FAILOVER_API).toBe(`bam1=${stack.cluster!.server('bam1').failoverUrl},bam2=${stack.cluster!.server('bam2').failoverUrl}`);
    expect(new X509Certificate(BAM_FAILOVER_CLIENT_CERT!).checkIssued(new X509Certificate(BAM_FAILOVER_CA!))).toBe(true);
    const bam2 = BAM_FAILOVER_API!.split(',')[1]!.split('=')[1]!;
    const r = await tlsRequest('GET', `${bam2}/bam/v1/health`, { ca: BAM_FAILOVER_CA, cert: BAM_FAILOVER_CLIENT_CERT, key: BAM_FAILOVER_CLIENT_KEY });
    expect(r.body.details.replicationMetrics.replicationRole).toBe('Standby');
  });

  it('promote refuses a Primary (409); after stop and promote, the returned old Primary claims Primary until readd', async () => {
    expect((await call(stack.url, 'POST', '/_local/bam/bam1/promote')).status).toBe(409);
    await call(stack.url, 'POST', '/_local/bam/bam1/stop');
    expect((await call(stack.url, 'POST', '/_local/bam/bam2/promote')).body.server.role).toBe('Standalone');
    await call(stack.url, 'POST', '/_local/bam/bam1/start');
    expect(role('bam1')).toBe('Primary');
    const readd = await call(stack.url, 'POST', '/_local/bam/bam1/readd');
    expect(readd.status).toBe(200);
    expect([role('bam1'), role('bam2')]).toEqual(['Standby', 'Primary']);
    expect((await call(stack.url, 'POST', '/_local/bam/bam2/readd')).status).toBe(409);
  });
});
