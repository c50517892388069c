import { randomBytes } from 'node:crypto';
import type { BamCredential } from '../bam/credential.js';
import { GatewayError } from '../kernel/errors.js';
import { handoverSymptom, type BamFailures } from './bam-failure.js';
import { sessionExpiry } from './authentication.js';
import type { ClusterView } from './cluster-view.js';
import { resolveTarget, wantsAlias, type LoginRequest } from './domain/login-target.js';
import { PRIMARY_ALIAS, type SessionRecord } from './domain/session-record.js';
import { hashToken, newToken, secretsEqual } from './domain/tokens.js';
import type { BamLogins, CredentialSealer, HostModesSource, SessionStore, UserSettingsReader } from './ports.js';
import type { SessionSettings } from './settings.js';
import type { SwitchoverHold } from './switchover-hold.js';
import type { HostModes } from '../monitor/domain/monitor-machine.js';

export interface LoginDeps {
  settings: Pick<SessionSettings, 'servers' | 'service' | 'sessionTtlSeconds' | 'sessionMaxLifetimeSeconds'>;
  sessions: SessionStore;
  view: ClusterView;
  hold: SwitchoverHold;
  failures: BamFailures;
  cipher: CredentialSealer;
  bam: BamLogins;
  /** The active configuration's host modes, read only by logins naming a host: a drain takes effect the moment its activation answers. */
  hostModes?: HostModesSource;
  /** The user's own session lifetime, if an admin set one; read once per login. */
  userSettings?: UserSettingsReader;
  retryAfterSeconds: () => number;
  now: () => number;
}

/**
 * Logging in: the target (the alias follows the Primary, held through a planned switchover), the
 * BAM login, and the session record, restorable when the service user's credentials were used.
 */
export class Login {
  constructor(private readonly d: LoginDeps) {}

  /** `holdUntil`: set on the one retry after a handover pause, so that both attempts share one hold budget. */
  async login(req: LoginRequest, holdUntil?: number): Promise<{ token: string; session: SessionRecord }> {
    const retried = holdUntil !== undefined;
    const until = holdUntil ?? this.d.now() + this.d.hold.budgetMs;
    // Everything a login reads, asked at once: one request to the table (adapters/read-batcher.ts).
    const lifetimeRead = quiet(this.d.userSettings ? this.d.userSettings.get(req.username).then((s) => s?.sessionLifetime) : Promise.resolve(undefined));
    const modesRead = this.d.hostModes ? quiet(this.d.hostModes()) : undefined;
    let monitor = await this.d.view.read();
    // An alias login waits out a planned switchover and then goes to the new Primary.
    if (monitor && wantsAlias(req, monitor)) monitor = await this.d.hold.whileLeavingPrimary(monitor, until, modesRead);
    if (monitor?.monitoringState === 'FAILOVER_IN_PROGRESS' && wantsAlias(req, monitor)) monitor = await this.d.view.afterProbe(monitor);
    const { target, server, epoch } = resolveTarget(req, monitor, this.d.settings.servers, this.d.retryAfterSeconds());
    const viaAlias = target === PRIMARY_ALIAS;
    if (!viaAlias) await this.refuseIfOutOfService(target, modesRead);
    let credential: BamCredential;
    try {
      const asked = this.d.bam.login(server, req.username, req.password);
      credential = await (viaAlias ? this.d.view.watch(asked, server, epoch) : asked);
    } catch (err) {
      // The Primary began its handover pause after this login read the state: wait it out, once.
      if (viaAlias && !retried && handoverSymptom(err) && (await this.d.hold.since(epoch))) return this.login(req, until);
      throw await this.d.failures.of(err, server, viaAlias);
    }
    // Both comparisons always run, in constant time: the answer does not leak which one differed.
    const userMatches = secretsEqual(req.username, this.d.settings.service.username);
    const passwordMatches = secretsEqual(req.password, this.d.settings.service.password);
    const maxLifetimeSeconds = await lifetimeRead;
    const token = newToken();
    const tokenHash = hashToken(token);
    const now = this.d.now();
    const session: SessionRecord = {
      tokenHash,
      sessionId: randomBytes(9).toString('base64url'),
      username: req.username,
      target,
      boundServer: server.name,
      credential: this.d.cipher.encrypt(JSON.stringify(credential), tokenHash),
      sharedCredential: false,
      restorable: userMatches && passwordMatches,
      epoch,
      serverIncarnation: monitor?.servers[server.name]?.incarnation ?? 0,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: sessionExpiry(this.d.settings, now, now, maxLifetimeSeconds),
      ...(maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds } : {}),
    };
    await this.d.sessions.create(session);
    return { token, session };
  }

  /** A login naming a drained or disabled host is refused before BAM sees the password. */
  private async refuseIfOutOfService(host: string, modes: Promise<HostModes> | undefined): Promise<void> {
    const mode = modes ? (await modes)[host] : undefined;
    if (mode === 'NO_NEW_SESSIONS') {
      throw new GatewayError(409, 'HostDraining', `Address Manager ${host} is being drained for maintenance and accepts no new sessions. Log in through "${PRIMARY_ALIAS}" instead.`);
    }
    if (mode === 'DISABLED') {
      throw new GatewayError(409, 'HostInMaintenance', `Address Manager ${host} is out of service for maintenance. Log in through "${PRIMARY_ALIAS}" instead.`);
    }
  }
}

/** A read that may never be awaited (the login ended before it needed it): its failure is not an unhandled rejection. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
