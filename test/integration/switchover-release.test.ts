import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMonitorStore, type MonitorStore } from '../../functions/adapters/monitor-store.js';
import { CredentialCipher } from '../../functions/sessions/domain/credential-cipher.js';
import { initialState, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import { MonitorStateCache } from '../../functions/monitor/monitor-state-cache.js';
import { PRIMARY_ALIAS, SessionService } from '../../functions/sessions/session-service.js';
import { sessionServiceFixture } from '../support/session-service-fixture.js';

/**
 * Issue 24 item 4: calls held by a planned switchover are released by the round that confirms the
 * new Primary, as soon as it is confirmed: not a poll of the table later. Here the table becomes
 * unreadable the moment the hold begins, so a held login that needed one more read would never
 * proceed; one released by the confirming round does.
 */
let fixture: Awaited<ReturnType<typeof sessionServiceFixture>>;
beforeAll(async () => {
  fixture = await sessionServiceFixture({}, Date.now);
});
afterAll(async () => fixture?.close());

describe('a login held by a planned switchover', () => {
  it('proceeds on the new Primary with the round that confirms it', async () => {
    const { t, config, sessions, cluster } = fixture;
    const table = new DynamoMonitorStore(t.db, t.tableName);
    const [bam1, bam2] = config.servers;
    const now = Date.now();
    const base = initialState(config.servers, now);
    const switching: MonitorState = {
      ...base,
      version: 1,
      epoch: 1,
      monitoringState: 'SWITCHOVER_IN_PROGRESS',
      primary: 'bam1',
      primaryUrl: bam1!.url,
      switchover: { from: 'bam1', target: 'bam2', startedAt: now, deadline: now + 10_000 },
    };
    expect(await table.commit(switching, [])).toBe(true);
    const { switchover: _done, ...rest } = switching;
    const confirmed: MonitorState = { ...rest, version: 2, epoch: 2, monitoringState: 'MONITORING', primary: 'bam2', primaryUrl: bam2!.url, primarySinceEpoch: 2 };

    // The table as this process reads it: readable until the hold begins, then never again.
    let readable = true;
    const gated: MonitorStore = {
      outbox: table.outbox,
      get: () => (readable ? table.get() : new Promise<never>(() => undefined)),
      commit: (s, e) => table.commit(s, e),
      getServiceSession: (e) => table.getServiceSession(e),
      claimServiceSession: (...a) => table.claimServiceSession(...a),
      completeServiceSession: (...a) => table.completeServiceSession(...a),
    };
    const cache = new MonitorStateCache(gated, 1000);
    let rounds = 0;
    // This process's monitor: its rounds see BAM's pause, then the new Primary, and commit it.
    const probeNow = async () => {
      rounds++;
      readable = false;
      if (rounds < 3) return switching;
      cluster.promote('bam2'); // BAM's pause is over: bam2 serves the API
      await cache.through.commit(confirmed, []);
      return confirmed;
    };
    const service = new SessionService({ config, sessions, monitor: cache.through, stateCache: cache, cipher: new CredentialCipher(config.credentialKey!), probeNow });
    const { session } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    expect(session).toMatchObject({ target: PRIMARY_ALIAS, boundServer: 'bam2', epoch: 2 });
    expect(rounds).toBe(3);
  });
});
