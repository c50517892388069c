import { describe, expect, it } from 'vitest';
import { FailoverInProgressError } from '../../../functions/kernel/errors.js';
import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import { PRIMARY_ALIAS } from '../../../functions/sessions/domain/session-record.js';
import { hashToken } from '../../../functions/sessions/domain/tokens.js';
import { fakeSessionService, monitoring, serverState } from '../../support/fakes/session-service.js';

/**
 * What the cluster does to a session, on in-memory ports: a pinned session ends with its server
 * (maintenance or failure), an alias session bound before a failover is restored (the service
 * user's login) or ends with a 401 saying why, and a blip of the same Primary keeps it.
 */
const clock = 1_000_000;
const SVC = { username: 'gateway-svc', password: 'gateway-svc-pass' };

function setUp(state: MonitorState) {
  const f = fakeSessionService({}, () => clock);
  f.monitor.state = state;
  return f;
}

/** bam2 took over from bam1 in epoch 2 (a failover). */
const failedOver = (over: Partial<MonitorState> = {}) => monitoring(2, 'bam2', { primarySinceEpoch: 2, ...over });

describe('a session pinned to one server', () => {
  it('ends with SessionEndedByMaintenance when its server is DISABLED, and is deleted', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam2' });
    f.monitor.state = monitoring(1, 'bam1', { servers: { ...monitoring(1).servers, bam2: { ...serverState('bam2', 'STANDBY'), mode: 'DISABLED' } } });
    await expect(f.service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'SessionEndedByMaintenance' });
    expect(f.sessions.items.size).toBe(0);
  });

  it('ends by maintenance too when its server was taken out and is back since (an older incarnation than the maintenance)', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam2' });
    f.monitor.state = monitoring(1, 'bam1', { servers: { ...monitoring(1).servers, bam2: { ...serverState('bam2', 'STANDBY', 2), maintenanceIncarnation: 1 } } });
    await expect(f.service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'SessionEndedByMaintenance' });
  });

  it('ends with a 401 saying its server failed when the server came back as another incarnation', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam2' });
    f.monitor.state = monitoring(1, 'bam1', { servers: { ...monitoring(1).servers, bam2: serverState('bam2', 'STANDBY', 1) } });
    await expect(f.service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'Unauthorized', message: expect.stringMatching(/bam2 failed/) });
  });

  it('lives through a failover of the alias while its server stays up', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    f.monitor.state = failedOver();
    await expect(f.service.authenticate(token)).resolves.toMatchObject({ session: { target: 'bam1', boundServer: 'bam1' }, server: { name: 'bam1' } });
  });
});

describe('a session through the alias, after a failover', () => {
  it('ends with SessionEndedByFailover when it is not restorable, and is deleted', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    f.monitor.state = failedOver();
    await expect(f.service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'SessionEndedByFailover' });
    expect(await f.sessions.get(hashToken(token))).toBeUndefined();
  });

  it('ends with SessionEndedByMaintenance, naming both servers, when a planned switchover moved the Primary', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    f.monitor.state = failedOver({ lastSwitchover: { from: 'bam1', target: 'bam2', outcome: 'completed', startedAt: clock - 2000, at: clock, epoch: 2 } });
    await expect(f.service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'SessionEndedByMaintenance', message: expect.stringMatching(/bam1 handed over to bam2/) });
  });

  it('moves to the new epoch with its own credential when the same Primary is back after a blip', async () => {
    const f = setUp(monitoring(1));
    const { token, session } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    f.monitor.state = monitoring(2, 'bam1', { primarySinceEpoch: 1 });
    await expect(f.service.authenticate(token)).resolves.toMatchObject({ session: { epoch: 2, boundServer: 'bam1', sharedCredential: false, credential: session.credential } });
    expect((await f.sessions.get(hashToken(token)))!.epoch).toBe(2);
  });

  it("restorable sessions (the service user's credentials) are rebound to the new Primary with one service login for them all", async () => {
    const f = setUp(monitoring(1));
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push((await f.service.login({ ...SVC, bam_alias: PRIMARY_ALIAS })).token);
    f.monitor.state = failedOver();
    const restored = await Promise.all(tokens.map((t) => f.service.authenticate(t)));
    expect(restored.map((a) => [a.session.boundServer, a.session.epoch, a.session.sharedCredential])).toEqual(Array(3).fill(['bam2', 2, true]));
    expect(f.bam.logins.filter((l) => l.server === 'bam2')).toEqual([{ server: 'bam2', username: 'gateway-svc' }]);
    expect(new Set(restored.map((a) => a.session.credential)).size).toBe(1);
  });

  it('while the failover is in progress: the failover 503 for calls needing the Primary, the session unchanged for the others', async () => {
    const f = setUp(monitoring(1));
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    f.monitor.state = monitoring(2, 'bam1', { monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, primaryUrl: null });
    await expect(f.service.authenticate(token)).rejects.toBeInstanceOf(FailoverInProgressError);
    await expect(f.service.authenticate(token, { duringFailover: 'allow' })).resolves.toMatchObject({ session: { epoch: 1, boundServer: 'bam1' } });
  });
});

describe('tokens, heartbeats and logout', () => {
  it('no token, or one of no session: 401', async () => {
    const f = setUp(monitoring(1));
    await expect(f.service.authenticate(undefined)).rejects.toMatchObject({ status: 401, message: 'A valid session token is required.' });
    await expect(f.service.authenticate('nope')).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/not found or ended/) });
  });

  it('a heartbeat does not slide the idle expiry; use does', async () => {
    let now = clock;
    const f = fakeSessionService({ SESSION_TTL_SECONDS: '600' }, () => now);
    const { token, session } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    now += 300_000;
    await f.service.authenticate(token, { duringFailover: 'allow', slide: false });
    expect((await f.sessions.get(hashToken(token)))!.expiresAt).toBe(session.expiresAt);
    await f.service.authenticate(token);
    expect((await f.sessions.get(hashToken(token)))!.expiresAt).toBe(now + 600_000);
  });

  it('logout ends the session and its own BAM session, never the shared service session', async () => {
    const f = setUp(monitoring(1));
    const own = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    await f.service.logout(own.token);
    expect(f.bam.logouts).toBe(1);
    await expect(f.service.authenticate(own.token)).rejects.toMatchObject({ status: 401 });
    const restorable = await f.service.login({ ...SVC, bam_alias: PRIMARY_ALIAS });
    f.monitor.state = failedOver();
    await f.service.authenticate(restorable.token); // restored: now on the shared service session
    await f.service.logout(restorable.token);
    expect(f.bam.logouts).toBe(1);
    expect(f.sessions.items.size).toBe(0);
  });
});
