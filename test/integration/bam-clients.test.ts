import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { BamV1Client } from '../../functions/bam/v1-client.js';
import { BamV2Client } from '../../functions/bam/v2-client.js';
import { BamHttpError, BamUnreachableError } from '../../functions/bam/http.js';
import { probeServer } from '../../functions/bam/probe.js';
import { SystemInfoSessions } from '../../functions/bam/system-info-sessions.js';
import type { FailoverApiConfig } from '../../functions/wiring/config.js';

let cluster: SimCluster;
const url = (name: string) => cluster.server(name).url;

// A fresh cluster per test (bam1 Primary, bam2 Standby): BAM's promote cannot be undone by promoting back.
beforeEach(async () => {
  cluster = await new SimCluster().start();
});
afterEach(async () => cluster.close());

describe('BAM REST v1 client against the simulator', () => {
  it("logs in with BAM's token string, lists configurations, reads system info, logs out", async () => {
    const c = new BamV1Client(url('bam1'), 2000);
    const cred = await c.login('alice', 'alice-pass');
    expect(cred.authorization).toMatch(/^BAMAuthToken: \S+$/);
    const confs = await c.getEntities(0, 'Configuration', 0, 100);
    expect(confs.map((e) => e.name)).toEqual(['Production', 'Lab', 'Disaster Recovery']);
    expect(confs[0]!.properties).toBe('description=Live networks|');
    expect(await c.getEntityById(confs[1]!.id)).toMatchObject({ name: 'Lab', type: 'Configuration' });
    expect(await c.getSystemInfo()).toMatchObject({ hostName: 'bam1', replicationRole: 'Primary' });
    await c.logout();
    await expect(c.getEntities(0, 'Configuration')).rejects.toMatchObject({ status: 401 });
  });

  it('reports wrong credentials as a BAM answer (401), not as unreachable', async () => {
    const err = await new BamV1Client(url('bam1'), 2000).login('alice', 'wrong').catch((e) => e);
    expect(err).toBeInstanceOf(BamHttpError);
    expect(err.status).toBe(401);
  });

  it('a token from one server is not valid on another', async () => {
    const cred = await new BamV1Client(url('bam1'), 2000).login('alice', 'alice-pass');
    expect(cluster.promote('bam2')).toBeUndefined();
    await expect(new BamV1Client(url('bam2'), 2000, cred).getEntities(0, 'Configuration')).rejects.toMatchObject({ status: 401 });
  });
});

describe('BAM REST v2 client against the simulator', () => {
  it('creates a session, reads configurations with fields/filter/limit, logs out with PATCH', async () => {
    const c = new BamV2Client(url('bam1'), 2000);
    const cred = await c.login('bob', 'bob-pass');
    expect(cred.authorization).toMatch(/^Basic /);
    expect(Buffer.from(cred.authorization.slice(6), 'base64').toString()).toMatch(/^bob:/);
    const page = (await c.httpGet('/configurations', { fields: 'id,name' })) as { count: number; data: object[]; _links: unknown };
    expect(page.count).toBe(3);
    expect(Object.keys(page.data[0]!).sort()).toEqual(['id', 'name']);
    const filtered = (await c.httpGet('/configurations', { filter: "name:eq('Lab')", limit: 5 })) as { data: { name: string }[] };
    expect(filtered.data.map((d) => d.name)).toEqual(['Lab']);
    await c.logout();
    const err = (await c.httpGet('/sessions/current').catch((e: unknown) => e)) as BamHttpError;
    expect(err).toBeInstanceOf(BamHttpError);
    expect(err.body).toMatchObject({ status: 401, reason: 'Unauthorized', code: 'InvalidAuthorizationToken' });
  });

  it('a Standby serves no API', async () => {
    const err = await new BamV2Client(url('bam2'), 2000).login('alice', 'alice-pass').catch((e) => e);
    expect(err).toMatchObject({ status: 503 });
  });
});

describe('failures are typed', () => {
  it('a stopped server is unreachable (refused), fast', async () => {
    await cluster.server('bam2').stop();
    const started = Date.now();
    const err = await new BamV2Client(url('bam2'), 2000).login('alice', 'alice-pass').catch((e) => e);
    expect(err).toBeInstanceOf(BamUnreachableError);
    expect(err.reason).toBe('refused');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a hung server is unreachable (timeout) within the client timeout', async () => {
    cluster.server('bam1').hang();
    const err = await new BamV1Client(url('bam1'), 300).login('alice', 'alice-pass').catch((e) => e);
    expect(err).toBeInstanceOf(BamUnreachableError);
    expect(err.reason).toBe('timeout');
  });
});

describe('health probe', () => {
  const failoverApi = async (name: string) => {
    const t = await cluster.tls();
    const tls: FailoverApiConfig = { urls: {}, clientCert: t.clientCert, clientKey: t.clientKey, ca: t.ca };
    return { failoverApi: { url: cluster.server(name).failoverUrl!, tls } };
  };
  const probe = async (name: string) => probeServer(name, url(name), 1000, await failoverApi(name));

  it('reads the replication role from the Failover API on its own mutual-TLS port, not the REST address', async () => {
    expect(cluster.server('bam1').failoverUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster.server('bam1').failoverUrl).not.toBe(url('bam1'));
    expect(await probe('bam1')).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Primary', source: 'failover-api' });
    expect(await probe('bam2')).toMatchObject({ ok: true, role: 'STANDBY', reportedRole: 'Standby', source: 'failover-api' });
    // The REST address serves no Failover API: without it only liveness answers.
    expect(await probeServer('bam1', url('bam1'), 1000)).toMatchObject({ ok: true, role: 'UNKNOWN', source: 'liveness' });
    // Without the client certificate the Failover API refuses the handshake.
    const noCert = { failoverApi: { url: cluster.server('bam1').failoverUrl!, tls: { ...(await failoverApi('bam1')).failoverApi.tls, clientCert: '', clientKey: '' } } };
    expect(await probeServer('bam1', url('bam1'), 1000, noCert)).toMatchObject({ ok: true, role: 'UNKNOWN', lastFailure: 'failover-api: tls-refused' });
  });

  it('promote works on a Standby only; with two servers the promoted one is Standalone (PRIMARY), the old Primary still claims Primary', async () => {
    expect(cluster.promote('bam1')).toMatch(/only a Standby/);
    expect(cluster.promote('bam2')).toBeUndefined();
    expect(await probe('bam2')).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Standalone' });
    expect(await probe('bam1')).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Primary' });
    expect(cluster.promote('bam2')).toMatch(/only a Standby/);
    expect(cluster.readd('bam1')).toBeUndefined();
    expect(await probe('bam1')).toMatchObject({ ok: true, role: 'STANDBY', reportedRole: 'Standby' });
    expect(await probe('bam2')).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Primary' });
  });

  it('fails on a stopped or hung server', async () => {
    await cluster.server('bam2').stop();
    cluster.server('bam1').hang();
    expect(await probeServer('bam2', url('bam2'), 300)).toMatchObject({ ok: false });
    expect(await probeServer('bam1', url('bam1'), 300)).toMatchObject({ ok: false, error: expect.stringMatching(/timeout/) });
  });
});

describe('health probe of a BAM without the Failover API', () => {
  it('reads the role from REST v1 getSystemInfo as the service user (read-only on a Standby, plain login where read-only is refused), re-logging in once when BAM dropped the session', async () => {
    for (const srv of cluster.servers.values()) srv.failoverApi = false;
    try {
      const sessions = new SystemInfoSessions({ username: 'gateway-svc', password: 'gateway-svc-pass' });
      const probe = (name: string) => probeServer(name, url(name), 1000, { systemInfo: () => sessions.systemInfo(name, url(name), 1000) });
      expect(await probeServer('bam1', url('bam1'), 1000)).toMatchObject({ ok: true, role: 'UNKNOWN' }); // liveness only
      // The Primary refuses a read-only login (400): the probe falls back to a plain login.
      expect(await probe('bam1')).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Primary', source: 'system-info' });
      // The Standby serves only a read-only session: a positive Standby signal.
      expect(await probe('bam2')).toMatchObject({ ok: true, role: 'STANDBY', reportedRole: 'Standby', source: 'system-info' });
      const logins = cluster.server('bam1').logins.get('gateway-svc') ?? 0;
      expect(await probe('bam1')).toMatchObject({ role: 'PRIMARY' });
      expect(cluster.server('bam1').logins.get('gateway-svc')).toBe(logins); // the session (and what worked) is reused
      cluster.server('bam1').dropSessions();
      expect(await probe('bam1')).toMatchObject({ role: 'PRIMARY' });
      expect(cluster.server('bam1').logins.get('gateway-svc')).toBe(logins + 1); // one new plain login, no read-only try first
      // A wrong service password is a credential rejection: no fallback hides it.
      const wrong = new SystemInfoSessions({ username: 'gateway-svc', password: 'wrong' });
      expect(await probeServer('bam1', url('bam1'), 1000, { systemInfo: () => wrong.systemInfo('bam1', url('bam1'), 1000) })).toMatchObject({ role: 'UNKNOWN', lastFailure: 'system-info: rejected' });
      expect(cluster.promote('bam2')).toBeUndefined();
      expect(await probe('bam2')).toMatchObject({ role: 'PRIMARY', reportedRole: 'Standalone' });
      expect(await probe('bam1')).toMatchObject({ ok: true, role: 'PRIMARY', reportedRole: 'Primary' }); // not reconfigured
      expect(cluster.readd('bam1')).toBeUndefined();
      // bam1's plain session is now refused (a Standby): the probe switches to a read-only one.
      expect(await probe('bam1')).toMatchObject({ ok: true, role: 'STANDBY', reportedRole: 'Standby' });
      expect(await probe('bam2')).toMatchObject({ role: 'PRIMARY', reportedRole: 'Primary' });
    } finally {
      for (const srv of cluster.servers.values()) srv.failoverApi = true;
    }
  });
});
