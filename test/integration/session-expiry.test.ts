import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../local/bam-sim/cluster.js';
import type { DynamoSessionStore } from '../../functions/adapters/session-store.js';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { hashToken } from '../../functions/sessions/domain/tokens.js';
import type { SessionService } from '../../functions/sessions/session-service.js';
import type { freshTable } from '../support/dynamo.js';
import { sessionServiceFixture } from '../support/session-service-fixture.js';

let cluster: SimCluster;
let t: Awaited<ReturnType<typeof freshTable>>;
let clock = 1_000_000;
let service: SessionService;
let sessions: DynamoSessionStore;

let fixture: Awaited<ReturnType<typeof sessionServiceFixture>>;
beforeAll(async () => {
  fixture = await sessionServiceFixture({ SESSION_TTL_SECONDS: '600' }, () => clock);
  ({ cluster, t, service, sessions } = fixture);
});
afterAll(async () => {
  await fixture?.close();
});

describe('session binding and epochs', () => {
  it('a replica that has not seen the latest failover yet leaves a newer session alone', async () => {
    const monitor = new DynamoMonitorStore(t.db, t.tableName);
    const servers = { bam1: { name: 'bam1', url: cluster.server('bam1').url, role: 'PRIMARY' as const, health: 'UP' as const, lastProbeAt: 1, latencyMs: 1, consecutiveFailures: 0, incarnation: 0 } };
    const state = (version: number, epoch: number) => ({
      version,
      epoch,
      monitoringState: 'MONITORING' as const,
      primary: 'bam1',
      primaryUrl: servers.bam1.url,
      splitBrain: false,
      failoverStartedAt: null,
      servers,
      updatedAt: clock,
    });
    await monitor.commit(state(1, 7), []);
    const { token } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'primary-address-manager' });
    expect((await sessions.get(hashToken(token)))!.epoch).toBe(7);
    await monitor.commit(state(2, 6), []); // as a lagging replica would show it
    await expect(service.authenticate(token)).resolves.toMatchObject({ session: { epoch: 7, username: 'alice' } });
    await monitor.commit(state(3, 8), []); // a real failover after it: this non-restorable session ends
    await expect(service.authenticate(token)).rejects.toMatchObject({ status: 401, code: 'SessionEndedByFailover' });
  });
});

describe('session expiry', () => {
  it("is checked on read, before DynamoDB's TTL would delete the item", async () => {
    const { token } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    clock += 600_000 + 1;
    await expect(service.authenticate(token)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/expired/) });
    expect(await sessions.get(hashToken(token))).toBeUndefined(); // removed at once
  });

  it('slides with use: a session used within its TTL lives on', async () => {
    const { token } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    for (let i = 0; i < 3; i++) {
      clock += 400_000; // each step is under the 600 s TTL, together well over it
      await expect(service.authenticate(token)).resolves.toMatchObject({ session: { username: 'alice' } });
    }
    const stored = await sessions.get(hashToken(token));
    expect(stored!.expiresAt).toBe(clock + 600_000);
  });

  it('records who, where, and whether it is restorable, never the password', async () => {
    const svc = await service.login({ username: 'gateway-svc', password: 'gateway-svc-pass', bam_alias: 'bam1' });
    const alice = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    expect(svc.session).toMatchObject({ username: 'gateway-svc', target: 'bam1', boundServer: 'bam1', restorable: true });
    expect(alice.session.restorable).toBe(false);
    expect(JSON.stringify(await sessions.get(hashToken(svc.token)))).not.toContain('gateway-svc-pass');
  });
});
