import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { generateFailoverTls, type FailoverTls } from '../../local/bam-sim/tls.js';
import { get, tlsRequest } from './bam-http.js';

/**
 * Source: BlueCat "Address Manager Failover API Guide": a separate HTTPS service (8444 on a
 * real BAM) requiring a client certificate; `GET /bam/v1/health` reports replicationRole under
 * details.replicationMetrics; `PUT /bam/v1/promote` promotes a Standby.
 */
let cluster: SimCluster;
let tls: FailoverTls;
const withCert = () => ({ ca: tls.ca, cert: tls.clientCert, key: tls.clientKey });
const failoverUrl = (name: string) => cluster.server(name).failoverUrl!;

beforeAll(async () => {
  cluster = await new SimCluster().start();
  tls = await cluster.tls();
});
afterAll(async () => cluster.close());

describe('Failover API on its own HTTPS port with mutual TLS', () => {
  it('answers health with the replication role to a client holding a certificate from the cluster CA', async () => {
    expect(failoverUrl('bam1')).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(failoverUrl('bam1')).not.toBe(cluster.server('bam1').url.replace('http:', 'https:'));
    const r = await tlsRequest('GET', `${failoverUrl('bam1')}/bam/v1/health`, withCert());
    expect(r).toEqual({ status: 200, body: { status: 'UP', details: { replicationMetrics: expect.objectContaining({ replicationRole: 'Primary' }) } } });
    const standby = await tlsRequest('GET', `${failoverUrl('bam2')}/bam/v1/health`, withCert());
    expect(standby.body.details.replicationMetrics.replicationRole).toBe('Standby');
  });

  it('refuses a client without a certificate', async () => {
    await expect(tlsRequest('GET', `${failoverUrl('bam1')}/bam/v1/health`, { ca: tls.ca })).rejects.toThrow();
  });

  it('refuses a client whose certificate another CA signed', async () => {
    const other = await generateFailoverTls('Some other CA');
    await expect(tlsRequest('GET', `${failoverUrl('bam1')}/bam/v1/health`, { ca: tls.ca, cert: other.clientCert, key: other.clientKey })).rejects.toThrow();
  });

  it('is not served on the REST address (modelled: 404 there)', async () => {
    expect((await get(`${cluster.server('bam1').url}/bam/v1/health`)).status).toBe(404);
  });

  it('follows stop and start with the REST port, on the same address', async () => {
    const before = failoverUrl('bam2');
    await cluster.server('bam2').stop();
    await expect(tlsRequest('GET', `${before}/bam/v1/health`, withCert())).rejects.toThrow(/ECONNREFUSED/);
    await cluster.server('bam2').start();
    expect(failoverUrl('bam2')).toBe(before);
    expect((await tlsRequest('GET', `${before}/bam/v1/health`, withCert())).status).toBe(200);
  });

  it('a cluster of older BAMs has no Failover API port (modelled: failoverApi: false)', async () => {
    const old = await new SimCluster({ failoverApi: false }).start();
    try {
      expect(old.server('bam1').failoverUrl).toBeUndefined();
      expect(old.failoverApiList()).toBe('');
    } finally {
      await old.close();
    }
  });
});
