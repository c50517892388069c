import { describe, expect, it } from 'vitest';
import { BamHttpError } from '../../../functions/bam/http.js';
import { PRIMARY_ALIAS } from '../../../functions/sessions/domain/session-record.js';
import { SessionService } from '../../../functions/sessions/session-service.js';
import { credentialOf, type AuthenticatedSession } from '../../../functions/sessions/session-client.js';
import { fakeSessionService, monitoring } from '../../support/fakes/session-service.js';

/**
 * The service user's BAM session of an epoch, on in-memory ports: one BAM login restores every
 * restorable session, across processes; a credential BAM forgot (a restart) is renewed once, and
 * only when BAM itself rejects it.
 */
const SVC = { username: 'gateway-svc', password: 'gateway-svc-pass', bam_alias: PRIMARY_ALIAS };
const now = () => 1_000_000;

/** Two gateway processes on the same stores and BAM. */
function twoProcesses() {
  const a = fakeSessionService({}, now);
  const b = new SessionService({ config: a.config, sessions: a.sessions, monitor: a.monitor, cipher: a.cipher, bam: a.bam, now });
  a.monitor.state = monitoring(1);
  return { ...a, processes: [a.service, b] };
}

/** A call the way BAM answers it: 401 when the server no longer holds the session's BAM session. */
const callWith = (f: ReturnType<typeof twoProcesses>) => async (auth: AuthenticatedSession) => {
  if (!(await f.bam.accepts(auth.server, credentialOf(auth.session, f.cipher)))) throw new BamHttpError(401, 'Unauthorized', '');
  return auth.session.boundServer;
};

const serviceLogins = (f: ReturnType<typeof twoProcesses>, server: string) => f.bam.logins.filter((l) => l.server === server && l.username === 'gateway-svc').length;

describe("the service user's session of a new epoch", () => {
  it('one BAM login restores every restorable session, whichever process restores them', async () => {
    const f = twoProcesses();
    const tokens = [];
    for (let i = 0; i < 6; i++) tokens.push((await f.service.login(SVC)).token);
    f.monitor.state = monitoring(2, 'bam2', { primarySinceEpoch: 2 });
    const restored = await Promise.all(tokens.map((t, i) => f.processes[i % 2]!.authenticate(t)));
    expect(restored.every((a) => a.session.boundServer === 'bam2' && a.session.sharedCredential)).toBe(true);
    expect(serviceLogins(f, 'bam2')).toBe(1);
    expect(f.monitor.serviceSessions.get(2)).toMatchObject({ epoch: 2, server: 'bam2', credential: expect.any(String) });
  });

  it('after the Primary restarts and forgets it, the first call that gets a 401 renews it once, and every session goes on with the renewed one', async () => {
    const f = twoProcesses();
    const tokens = [(await f.service.login(SVC)).token, (await f.service.login(SVC)).token];
    f.monitor.state = monitoring(2, 'bam2', { primarySinceEpoch: 2 });
    const auths = await Promise.all(tokens.map((t, i) => f.processes[i]!.authenticate(t)));
    f.bam.restart('bam2');
    await expect(f.processes[0]!.runWithRecovery(auths[0]!, callWith(f))).resolves.toBe('bam2');
    await expect(f.processes[1]!.runWithRecovery(auths[1]!, callWith(f))).resolves.toBe('bam2');
    expect(serviceLogins(f, 'bam2')).toBe(2); // the epoch's first login, and one renewal
  });

  it('a 401 BAM does not confirm (it still accepts the credential) renews nothing: the call fails as it did', async () => {
    const f = twoProcesses();
    const { token } = await f.service.login(SVC);
    f.monitor.state = monitoring(2, 'bam2', { primarySinceEpoch: 2 });
    const auth = await f.service.authenticate(token);
    const forged = new BamHttpError(401, 'Unauthorized', '');
    await expect(
      f.service.runWithRecovery(auth, async () => {
        throw forged;
      }),
    ).rejects.toBe(forged);
    expect(serviceLogins(f, 'bam2')).toBe(1);
  });

  it("a session logged in with another user's credentials is not restorable: BAM's 401 reaches its client", async () => {
    const f = twoProcesses();
    const { token } = await f.service.login({ username: 'alice', password: 'alice-pass', bam_alias: PRIMARY_ALIAS });
    const auth = await f.service.authenticate(token);
    f.bam.restart('bam1');
    await expect(f.service.runWithRecovery(auth, callWith(f))).rejects.toMatchObject({ status: 401 });
    expect(serviceLogins(f, 'bam1')).toBe(0);
  });
});
