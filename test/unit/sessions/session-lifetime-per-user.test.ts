import { describe, expect, it } from 'vitest';
import { fakeSessionService } from '../../support/fakes/session-service.js';

/**
 * The absolute lifetime as a per-user setting: an automation account an admin gave a
 * longer lifetime, or none, keeps its one token while it is used; everyone else keeps the default.
 * Idle timeout 600 s, default lifetime 1000 s; the clock is the test's.
 */
let clock = 9_000_000;
const { service, userSettings: settings, bam } = fakeSessionService({ SESSION_TTL_SECONDS: '600', SESSION_MAX_LIFETIME_SECONDS: '1000' }, () => clock);
bam.users.set('externaldns', 'edns-pass');

const usable = (token: string) =>
  service.authenticate(token).then(
    () => true,
    () => false,
  );

/** Uses the session every `step` seconds for up to `until` seconds; answers how long after the start it was refused (undefined: never). */
async function keepUsing(token: string, step: number, until: number): Promise<number | undefined> {
  const start = clock;
  while (clock - start < until * 1000) {
    clock += step * 1000;
    if (!(await usable(token))) return (clock - start) / 1000;
  }
  return undefined;
}

const login = (username: string, password: string) => service.login({ username, password, bam_alias: 'bam1' });

describe('per-user absolute session lifetime', () => {
  it('no setting: the default lifetime ends a session in use', async () => {
    const { token, session } = await login('alice', 'alice-pass');
    expect(session.maxLifetimeSeconds).toBeUndefined();
    expect(await keepUsing(token, 300, 5000)).toBe(1200); // refused on the first use past 1000 s
  });

  it('"none": a session in use lives on past the default, for days; the idle timeout still ends it', async () => {
    // Set for "ExternalDNS": BAM user names are case-insensitive, so it is the same account.
    await settings.setSessionLifetime('ExternalDNS', null, 'gateway-svc');
    const { token, session } = await login('externaldns', 'edns-pass');
    expect(session.maxLifetimeSeconds).toBeNull();
    expect(await keepUsing(token, 590, 3 * 86_400)).toBeUndefined(); // used every 590 s (idle timeout 600 s) for 3 days
    clock += 601_000;
    await expect(service.authenticate(token)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/expired/) });
  });

  it('seconds: the session ends at its own lifetime, not the default', async () => {
    await settings.setSessionLifetime('externaldns', 5000, 'gateway-svc');
    const { token, session } = await login('externaldns', 'edns-pass');
    expect(session.expiresAt).toBe(clock + 600_000);
    expect(await keepUsing(token, 250, 10_000)).toBe(5000);
  });

  it('a change counts from the next login: an open session keeps the lifetime it got', async () => {
    await settings.setSessionLifetime('externaldns', null, 'gateway-svc');
    const open = await login('externaldns', 'edns-pass');
    await settings.clear('externaldns');
    const next = await login('externaldns', 'edns-pass');
    expect(next.session.maxLifetimeSeconds).toBeUndefined();
    // Both used every 300 s: the new one ends at the default 1000 s after its login, the open one goes on.
    const refused: Record<string, number> = {};
    const start = clock;
    for (let i = 0; i < 8; i++) {
      clock += 300_000;
      if (!(await usable(open.token))) refused.open ??= (clock - start) / 1000;
      if (!(await usable(next.token))) refused.next ??= (clock - start) / 1000;
    }
    expect(refused).toEqual({ next: 1200 });
  });
});
