import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../functions/sessions/domain/tokens.js';
import { fakeSessionService, monitoring } from '../../support/fakes/session-service.js';

/** The session rules on in-memory ports: binding by epoch, expiry on read, sliding with use, what a login records. */
let clock = 1_000_000;
const { service, sessions, monitor } = fakeSessionService({ SESSION_TTL_SECONDS: '600' }, () => clock);

describe('session binding and epochs', () => {
  it('a replica that has not seen the latest failover yet leaves a newer session alone', async () => {
    const state = (version: number, epoch: number) => ({ ...monitoring(epoch, 'bam1'), version, updatedAt: clock });
    monitor.state = state(1, 7);
    const { token } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'primary-address-manager' });
    expect((await sessions.get(hashToken(token)))!.epoch).toBe(7);
    monitor.state = state(2, 6); // as a lagging replica would show it
    await expect(service.authenticate(token)).resolves.toMatchObject({ session: { epoch: 7, username: 'alice' } });
    monitor.state = state(3, 8); // a real failover after it: this non-restorable session ends
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
