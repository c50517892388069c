import { describe, expect, it } from 'vitest';
import { FailoverInProgressError } from '../../../functions/kernel/errors.js';
import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import { PRIMARY_ALIAS } from '../../../functions/sessions/domain/session-record.js';
import { fakeSessionService, monitoring } from '../../support/fakes/session-service.js';

/**
 * Logins and calls through the alias held through a planned switchover, on in-memory ports and a
 * probe the test answers: they go on to the new Primary once a probe round sees it, and get the
 * failover 503 if it is not seen within the switchover's bound.
 */
const SVC = { username: 'gateway-svc', password: 'gateway-svc-pass', bam_alias: PRIMARY_ALIAS };

function setUp() {
  let clock = 1_000_000;
  const rounds: number[] = [];
  /** What the next probe rounds leave (the last one again once they run out); each round takes 200 ms of the test's clock. */
  let after: MonitorState[] = [];
  const f = fakeSessionService({}, () => clock, {
    probeNow: async () => {
      clock += 200;
      rounds.push(clock);
      const next = after.length > 1 ? after.shift()! : after[0];
      if (next) f.monitor.state = next;
      return next;
    },
  });
  f.monitor.state = monitoring(1);
  const switching = (): MonitorState => ({
    ...monitoring(1),
    version: 2,
    monitoringState: 'SWITCHOVER_IN_PROGRESS',
    switchover: { from: 'bam1', target: 'bam2', startedAt: clock, deadline: clock + 10_000 },
  });
  const switched = (): MonitorState => ({
    ...monitoring(2, 'bam2', { primarySinceEpoch: 2 }),
    version: 3,
    lastSwitchover: { from: 'bam1', target: 'bam2', outcome: 'completed', startedAt: clock - 2000, at: clock, epoch: 2 },
  });
  return { ...f, rounds, switching, switched, thenRounds: (states: MonitorState[]) => (after = states) };
}

describe('a planned switchover holds what needs the Primary', () => {
  it('a restorable session used during the switchover waits for the new Primary, and goes on there', async () => {
    const f = setUp();
    const { token } = await f.service.login(SVC);
    f.monitor.state = f.switching();
    f.thenRounds([f.switching(), f.switched()]);
    const auth = await f.service.authenticate(token);
    expect(auth.session).toMatchObject({ boundServer: 'bam2', epoch: 2, sharedCredential: true });
    expect(f.rounds.length).toBeGreaterThanOrEqual(2);
  });

  it("another user's alias session ends after it with SessionEndedByMaintenance, not a failover", async () => {
    const f = setUp();
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    f.monitor.state = f.switching();
    f.thenRounds([f.switched()]);
    await expect(f.service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'SessionEndedByMaintenance' });
  });

  it('an alias login during the switchover is held and logs in to the new Primary', async () => {
    const f = setUp();
    f.monitor.state = f.switching();
    f.thenRounds([f.switched()]);
    const { session } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    expect(session).toMatchObject({ target: PRIMARY_ALIAS, boundServer: 'bam2', epoch: 2 });
    expect(f.bam.logins.map((l) => l.server)).toEqual(['bam2']);
  });

  it('a switchover not over within its bound: the held call gets the failover 503', async () => {
    const f = setUp();
    const { token } = await f.service.login(SVC);
    f.monitor.state = f.switching();
    f.thenRounds([f.monitor.state]);
    await expect(f.service.authenticate(token)).rejects.toBeInstanceOf(FailoverInProgressError);
  });

  it('calls that do not need the Primary (status, logout) are not held', async () => {
    const f = setUp();
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    f.monitor.state = f.switching();
    await expect(f.service.authenticate(token, { duringFailover: 'allow' })).resolves.toMatchObject({ session: { boundServer: 'bam1' } });
    expect(f.rounds).toEqual([]);
  });
});
