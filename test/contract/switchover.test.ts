import { afterEach, describe, expect, it } from 'vitest';
import { SimCluster, type SimClusterOptions } from '../../local/bam-sim/cluster.js';
import { eventually } from '../support/client.js';
import { get, tlsRequest, v1Token } from './bam-http.js';

/**
 * Source: BlueCat "Address Manager API Guide" (9.0), "Failover replication":
 * `void failoverReplication(String standbyServer, String properties)`, standbyServer the address
 * of the Standby that becomes Primary, properties `forceFailover=true|false`. The pause, its 503s
 * and the refusal statuses are modelled (local/bam-sim/BEHAVIOURS.md).
 */
let cluster: SimCluster | undefined;
afterEach(async () => cluster?.close());

const start = async (opts: SimClusterOptions = {}) => (cluster = await new SimCluster(opts).start());
const v1 = async (server: string, method: string, params: Record<string, string> = {}, auth?: string, httpMethod = 'GET') => {
  const res = await fetch(`${cluster!.server(server).url}/Services/REST/v1/${method}?${new URLSearchParams(params)}`, { method: httpMethod, headers: auth ? { authorization: auth } : {} });
  const text = await res.text();
  return { status: res.status, text };
};
const login = async (server: string, user = 'alice') => v1Token(JSON.parse((await v1(server, 'login', { username: user, password: `${user}-pass` })).text));
const switchover = (from: string, standbyServer: string, auth: string) => v1(from, 'failoverReplication', { standbyServer }, auth, 'POST');
const address = (name: string) => cluster!.server(name).url.replace('http://', '');
const role = async (name: string) => /replicationRole=(\w+)/.exec((await v1(name, 'getSystemInfo', {}, await anyLogin(name))).text)?.[1];
// A Standby serves reads only over a read-only session.
const anyLogin = async (name: string) =>
  cluster!.server(name).role === 'Standby' ? v1Token(JSON.parse((await v1(name, 'loginWithOptions', { username: 'alice', password: 'alice-pass', options: 'isReadOnly=true' })).text)) : login(name);
const swapped = (primary: string) => eventually(async () => cluster!.currentPrimary === primary && !cluster!.server(primary).switchingOver, 10_000, `${primary} Primary`);

describe('failoverReplication (graceful switchover)', () => {
  it('named by host:port: the Standby becomes Primary and the old Primary its Standby, both reporting so (no Standalone)', async () => {
    await start({ switchoverPauseMs: 50 });
    const r = await switchover('bam1', address('bam2'), await login('bam1'));
    expect(r.status).toBe(200);
    await swapped('bam2');
    expect([await role('bam2'), await role('bam1')]).toEqual(['Primary', 'Standby']);
    const tls = await cluster!.tls();
    const health = await tlsRequest('GET', `${cluster!.server('bam1').failoverUrl}/bam/v1/health`, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey });
    expect(health.body.details.replicationMetrics.replicationRole).toBe('Standby');
    // And back again, named this time by its configured name: a plain login now works on bam2 only.
    expect((await v1('bam1', 'login', { username: 'alice', password: 'alice-pass' })).status).toBe(503);
    expect((await switchover('bam2', 'bam1', await login('bam2'))).status).toBe(200);
    await swapped('bam1');
    expect([await role('bam1'), await role('bam2')]).toEqual(['Primary', 'Standby']);
  });

  it('during the pause neither server serves the API: 503 on v1, v2, /servlets/health and the Failover API health', async () => {
    await start({ switchoverPauseMs: 600_000 });
    const token = await login('bam1');
    expect((await switchover('bam1', 'bam2', token)).status).toBe(200);
    for (const name of ['bam1', 'bam2']) {
      const base = cluster!.server(name).url;
      expect((await v1(name, 'getSystemInfo', {}, token)).status).toBe(503);
      expect((await v1(name, 'login', { username: 'alice', password: 'alice-pass' })).status).toBe(503);
      expect((await get(`${base}/api/v2/configurations`)).json()).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
      expect((await get(`${base}/servlets/health`)).status).toBe(503);
      const tls = await cluster!.tls();
      const health = await tlsRequest('GET', `${cluster!.server(name).failoverUrl}/bam/v1/health`, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey });
      expect([health.status, health.body.status]).toEqual([503, 'DOWN']);
    }
  });

  it('the pause is settable per cluster at runtime', async () => {
    await start({ switchoverPauseMs: 600_000 });
    cluster!.switchoverPauseMs = 20;
    expect((await switchover('bam1', 'bam2', await login('bam1'))).status).toBe(200);
    await swapped('bam2');
  });

  it('both servers forget their sessions (their services restart with the new role)', async () => {
    await start({ switchoverPauseMs: 20 });
    const token = await login('bam1');
    await switchover('bam1', 'bam2', token);
    await swapped('bam2');
    await switchover('bam2', 'bam1', await login('bam2'));
    await swapped('bam1');
    expect((await v1('bam1', 'getSystemInfo', {}, token)).status).toBe(401);
  });

  it('three servers: the other Standby stays a Standby, now of the new Primary', async () => {
    await start({ servers: ['bam1', 'bam2', 'bam3'], switchoverPauseMs: 20 });
    expect((await switchover('bam1', address('bam3'), await login('bam1'))).status).toBe(200);
    await swapped('bam3');
    expect([await role('bam1'), await role('bam2'), await role('bam3')]).toEqual(['Standby', 'Standby', 'Primary']);
  });

  describe('refusals (roles unchanged)', () => {
    it('on a Standby: a plain session is refused there (503); a read-only one cannot call it (400)', async () => {
      await start({ switchoverPauseMs: 20 });
      const readOnly = await anyLogin('bam2');
      const r = await switchover('bam2', 'bam1', readOnly);
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/read-only API session/);
      expect(cluster!.currentPrimary).toBe('bam1');
    });

    it('on a Standalone after a promote: 409, it is not the Primary', async () => {
      await start({ switchoverPauseMs: 20 });
      await cluster!.server('bam1').stop();
      cluster!.promote('bam2');
      const r = await switchover('bam2', 'bam1', await login('bam2'));
      expect(r.status).toBe(409);
      expect(r.text).toMatch(/must be performed on the Primary/);
    });

    it('an unknown target (400), a missing one (400), the Primary itself (409), a stopped Standby (409)', async () => {
      await start({ switchoverPauseMs: 20 });
      const token = await login('bam1');
      const unknown = await switchover('bam1', '127.0.0.1:1', token);
      expect([unknown.status, unknown.text]).toEqual([400, expect.stringMatching(/No server 127\.0\.0\.1:1/)]);
      expect((await v1('bam1', 'failoverReplication', {}, token, 'POST')).status).toBe(400);
      const self = await switchover('bam1', address('bam1'), token);
      expect([self.status, self.text]).toEqual([409, expect.stringMatching(/only a Standby/)]);
      await cluster!.server('bam2').stop();
      expect((await switchover('bam1', 'bam2', token)).text).toMatch(/not reachable/);
      expect(cluster!.currentPrimary).toBe('bam1');
      expect(cluster!.server('bam1').switchingOver).toBe(false);
    });

    it("a user without write rights: 500 with BAM's access-rights message", async () => {
      await start({ switchoverPauseMs: 20 });
      const r = await switchover('bam1', 'bam2', await login('bam1', 'bob'));
      expect([r.status, r.text]).toEqual([500, expect.stringMatching(/User bob does not have sufficient access rights to perform failoverReplication/)]);
      expect(cluster!.server('bam1').switchingOver).toBe(false);
    });

    it('unauthenticated: 401; over GET: 405', async () => {
      await start({ switchoverPauseMs: 20 });
      expect((await switchover('bam1', 'bam2', 'BAMAuthToken: forged')).status).toBe(401);
      expect((await v1('bam1', 'failoverReplication', { standbyServer: 'bam2' }, await login('bam1'))).status).toBe(405);
      expect(cluster!.currentPrimary).toBe('bam1');
    });
  });
});
