import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../../functions/wiring/config.js';
import { hashToken } from '../../../functions/sessions/domain/tokens.js';
import { fakeSessionService } from '../../support/fakes/session-service.js';

/** An idle timeout (sliding) and an absolute lifetime: use never extends a session past createdAt + lifetime. */
let clock = 5_000_000;
const { service, sessions } = fakeSessionService({ SESSION_TTL_SECONDS: '600', SESSION_MAX_LIFETIME_SECONDS: '1000' }, () => clock);

describe('absolute session lifetime', () => {
  it('defaults to 12 hours', () => {
    expect(
      parseConfig({ TABLE_NAME: 'table', BAM_SERVERS: 'a=http://a', GATEWAY_SERVICE_USERNAME: 's', GATEWAY_SERVICE_PASSWORD: 'p', CREDENTIAL_KEY: randomBytes(32).toString('base64') })
        .sessionMaxLifetimeSeconds,
    ).toBe(43_200);
  });

  it('use slides the idle expiry but never past createdAt + lifetime; then the session is refused', async () => {
    const created = clock;
    const { token, session } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    expect(session.expiresAt).toBe(created + 600_000);
    clock += 500_000;
    await service.authenticate(token);
    expect((await sessions.get(hashToken(token)))!.expiresAt).toBe(created + 1_000_000); // capped, not clock + 600 s
    clock += 450_000; // 950 s: still inside both
    await expect(service.authenticate(token)).resolves.toMatchObject({ session: { username: 'alice' } });
    clock += 50_000; // 1000 s: the lifetime is over although it was used 50 s ago
    await expect(service.authenticate(token)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/expired/) });
    expect(await sessions.get(hashToken(token))).toBeUndefined();
  });

  it('is enforced on read even for an item whose stored expiry lies beyond it', async () => {
    const { token, session } = await service.login({ username: 'alice', password: 'alice-pass', bam_alias: 'bam1' });
    await sessions.touch(hashToken(token), clock, session.createdAt + 10_000_000); // as an item written before lifetimes existed
    clock += 1_000_000;
    await expect(service.authenticate(token)).rejects.toMatchObject({ status: 401 });
  });
});
