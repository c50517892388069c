import { afterEach, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import type { FailoverTls } from '../../local/bam-sim/tls.js';
import { tlsRequest } from './bam-http.js';

/**
 * Sources: BlueCat "Address Manager Failover API Guide" (PUT /bam/v1/promote on the Standby) and
 * "Address Manager Administration Guide", database replication: promoting the Standby of a
 * two-server cluster leaves it standalone; the old Primary is not reconfigured when it returns
 * and must be re-added by an operator (the `readd` control models that step).
 */
let cluster: SimCluster | undefined;
afterEach(async () => cluster?.close());

const role = async (c: SimCluster, tls: FailoverTls, name: string) =>
  (await tlsRequest('GET', `${c.server(name).failoverUrl}/bam/v1/health`, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey })).body.details.replicationMetrics.replicationRole;
const promote = (c: SimCluster, tls: FailoverTls, name: string) => tlsRequest('PUT', `${c.server(name).failoverUrl}/bam/v1/promote`, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey });

describe('promote', () => {
  it('is refused with a 4xx JSON error on a Primary', async () => {
    cluster = await new SimCluster().start();
    const tls = await cluster.tls();
    const r = await promote(cluster, tls, 'bam1');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ status: 409, code: 'PromoteNotAllowed', message: expect.stringMatching(/only a Standby/) });
    expect(await role(cluster, tls, 'bam1')).toBe('Primary');
  });

  it('two servers: the promoted Standby reports Standalone; the stopped old Primary comes back claiming Primary until re-added', async () => {
    cluster = await new SimCluster().start();
    const tls = await cluster.tls();
    await cluster.server('bam1').stop();
    expect((await promote(cluster, tls, 'bam2')).status).toBe(200);
    expect(await role(cluster, tls, 'bam2')).toBe('Standalone');
    expect((await promote(cluster, tls, 'bam2')).status).toBe(409); // a Standalone is no Standby either
    await cluster.server('bam1').start();
    expect(await role(cluster, tls, 'bam1')).toBe('Primary'); // stale, not reconfigured
    expect(cluster.readd('bam1')).toBeUndefined();
    expect(await role(cluster, tls, 'bam1')).toBe('Standby');
    expect(await role(cluster, tls, 'bam2')).toBe('Primary'); // a Standalone with a Standby again
  });

  it('three servers: the promoted Standby becomes Primary and the other running Standby stays its Standby', async () => {
    cluster = await new SimCluster({ servers: ['bam1', 'bam2', 'bam3'] }).start();
    const tls = await cluster.tls();
    await cluster.server('bam1').stop();
    expect((await promote(cluster, tls, 'bam2')).status).toBe(200);
    expect([await role(cluster, tls, 'bam2'), await role(cluster, tls, 'bam3')]).toEqual(['Primary', 'Standby']);
    expect(cluster.currentPrimary).toBe('bam2');
  });

  it('readd is refused for the current Primary and for a stopped server', async () => {
    cluster = await new SimCluster().start();
    expect(cluster.readd('bam1')).toMatch(/current Primary/);
    await cluster.server('bam2').stop();
    expect(cluster.readd('bam2')).toMatch(/stopped/);
  });
});
