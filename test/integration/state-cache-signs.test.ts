import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailoverInProgressError } from '../../functions/kernel/errors.js';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { CredentialCipher } from '../../functions/sessions/domain/credential-cipher.js';
import { initialState, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import { BamHttpError, BamUnreachableError } from '../../functions/bam/http.js';
import { MonitorStateCache } from '../../functions/monitor/monitor-state-cache.js';
import { PRIMARY_ALIAS, SessionService } from '../../functions/sessions/session-service.js';
import { sessionServiceFixture } from '../support/session-service-fixture.js';

/**
 * The request path's cached monitor state against the real session service and table, the clock
 * standing still (inside the cache's bound): a change another process made is picked up at once
 * after BAM gives a sign of it.
 */
const clock = 7_000_000;
let fixture: Awaited<ReturnType<typeof sessionServiceFixture>>;
beforeAll(async () => {
  fixture = await sessionServiceFixture({}, () => clock);
});
afterAll(async () => fixture?.close());

describe('signs of change refresh the cached monitor state at once', () => {
  it.each([
    ['the Primary unreachable', () => new BamUnreachableError('http://bam1/x', 'refused', 'connection refused')],
    ['a BAM 401', () => new BamHttpError(401, 'session expired', undefined)],
  ])('%s', async (_, sign) => {
    const { t, config, sessions } = fixture;
    const other = new DynamoMonitorStore(t.db, t.tableName); // another node's monitor
    const base = initialState(config.servers, clock);
    const stored = (await other.get())?.state;
    const v = stored?.version ?? 0;
    const monitoring: MonitorState = { ...base, version: v + 1, epoch: (stored?.epoch ?? 0) + 1, monitoringState: 'MONITORING', primary: 'bam1', primaryUrl: config.servers[0]!.url };
    expect(await other.commit(monitoring, [])).toBe(true);
    const cache = new MonitorStateCache(new DynamoMonitorStore(t.db, t.tableName), 1000, () => clock);
    const service = new SessionService({ config, sessions, monitor: cache.through, stateCache: cache, cipher: new CredentialCipher(config.credentialKey!), now: () => clock });
    const { token } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    const auth = await service.authenticate(token);

    // The other node's monitor records the Primary's loss.
    expect(await other.commit({ ...monitoring, version: monitoring.version + 1, epoch: monitoring.epoch + 1, monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, primaryUrl: null }, [])).toBe(
      true,
    );
    await expect(service.authenticate(token)).resolves.toMatchObject({ monitor: { monitoringState: 'MONITORING' } }); // inside the bound

    await expect(
      service.runWithRecovery(auth, async () => {
        throw sign();
      }),
    ).rejects.toBeDefined();
    await expect(service.authenticate(token)).rejects.toBeInstanceOf(FailoverInProgressError); // the failover 503, seen at once
  });
});
