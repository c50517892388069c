import { HELD_CALL_LIMIT_MS, type BamServer, type GatewayConfig } from '../wiring/config.js';
import { FailoverInProgressError, GatewayError, badRequest, unauthorized } from '../kernel/errors.js';
import { switchoverTarget, type HostModes, type MonitorState } from '../monitor/domain/monitor-machine.js';
import type { CredentialCipher } from './domain/credential-cipher.js';
import { randomBytes } from 'node:crypto';
import { hashToken, newToken, secretsEqual } from './domain/tokens.js';
import type { BamCredential } from '../bam/credential.js';
import { bamClient, type BamClient } from '../bam/clients.js';
import { BamHttpError, BamUnreachableError } from '../bam/http.js';
import type { SessionRecord, SessionStore, SessionSummary } from './ports.js';
import type { MonitorStore, ServiceSession } from '../monitor/ports.js';
import { ServiceSessions, sharedContext } from './service-sessions.js';
import { logger } from '../kernel/logger.js';
import type { MonitorStateCache } from '../monitor/monitor-state-cache.js';
import { expiryAfterUse, type SessionLifetime } from './domain/session-lifetime.js';
import { lastAnswerAt } from '../bam/answers.js';
import { watchPrimaryCall } from './primary-watch.js';

export const PRIMARY_ALIAS = 'primary-address-manager';

export interface LoginRequest {
  username: string;
  password: string;
  bam_alias?: string;
  bam_url?: string;
}

export interface AuthenticatedSession {
  session: SessionRecord;
  server: BamServer;
  /** A BAM client for the session's server, in the configured API version, logged in as the session's user. */
  bam: BamClient;
  monitor: MonitorState | undefined;
}

export interface SessionServiceDeps {
  config: GatewayConfig;
  sessions: SessionStore;
  monitor: MonitorStore;
  /** Where authenticate takes the monitor state from (absent: a read per request). Signs of change invalidate it. */
  stateCache?: MonitorStateCache;
  cipher: CredentialCipher;
  /** Runs one immediate probe round when a request finds the Primary unreachable; answers the state after it, when it knows it. */
  probeNow?: (minGapMs?: number) => Promise<MonitorState | undefined>;
  /**
   * The active configuration's host modes, read only by logins naming a host (not per request):
   * a drain takes effect the moment its activation answers. Absent: every host ENABLED.
   */
  hostModes?: () => Promise<HostModes>;
  /** The user's own session lifetime, if an admin set one (session-lifetime.ts); read once per login. */
  lifetimeOf?: (username: string) => Promise<SessionLifetime | undefined>;
  /** When this process last received an answer a BAM server served (default: bam/answers.ts). */
  answeredAt?: (url: string) => number | undefined;
  now?: () => number;
}

/** Session stays alive on use; the expiry moves at most once a minute (one write, not one per request). */
const TOUCH_EVERY_MS = 60_000;
/** An alias call refused by the Primary is retried at most this long before it gets the failover 503. */
const MAX_RETRY_WINDOW_MS = 3000;
/**
 * While a planned switchover holds calls, this process probes at most this often (one round shared
 * by all its held calls): the new Primary is seen about this soon after BAM's pause ends.
 */
const HOLD_PROBE_GAP_MS = 100;

/** Of two views of the state, the later one (a later commit, or the same one seen later). */
const newest = (a: MonitorState, b: MonitorState | undefined): MonitorState => (b && b.version >= a.version ? b : a);

/**
 * Logging in, authenticating and logging out, including what a BAM failover does to a session
 * (SPEC §4.3): alias sessions bound in an older epoch are restored lazily, on their next use,
 * with the one service-user BAM session of the new epoch, or end with a 401 saying why.
 */
export class SessionService {
  private readonly now: () => number;
  private readonly service: ServiceSessions;
  constructor(private readonly d: SessionServiceDeps) {
    this.now = d.now ?? Date.now;
    this.service = new ServiceSessions({
      config: d.config,
      monitor: d.monitor,
      cipher: d.cipher,
      now: this.now,
      serverNamed: (name) => this.serverNamed(name),
      failure: (err, server) => this.bamFailure(err, server, true, { probe: false }),
      retryAfterSeconds: () => this.retryAfterSeconds,
    });
  }

  get retryAfterSeconds(): number {
    const p = this.d.config.probe;
    return Math.max(1, Math.ceil((p.intervalMs * p.failuresBeforeFailover) / 1000));
  }

  /** `holdUntil`: set on the one retry after a handover pause, so that both attempts share one hold budget. */
  async login(req: LoginRequest, holdUntil?: number): Promise<{ token: string; session: SessionRecord }> {
    const retried = holdUntil !== undefined;
    const until = holdUntil ?? this.now() + this.holdBudgetMs;
    let monitor = (await this.d.monitor.get())?.state;
    // An alias login waits out a planned switchover (SPEC §11) and then goes to the new Primary.
    if (monitor && wantsAlias(req, monitor)) monitor = await this.holdWhileLeavingPrimary(monitor, until);
    if (monitor?.monitoringState === 'FAILOVER_IN_PROGRESS' && wantsAlias(req, monitor)) monitor = await this.probeAndReload(monitor);
    const { target, server, epoch } = this.resolveTarget(req, monitor);
    if (target !== PRIMARY_ALIAS) await this.refuseIfOutOfService(target);
    const client = bamClient(this.d.config.apiVersion, server.url, this.d.config.bamTimeoutMs);
    // Read while BAM answers the login, not after it.
    const lifetimeRead = this.d.lifetimeOf?.(req.username) ?? Promise.resolve(undefined);
    lifetimeRead.catch(() => undefined);
    let credential: BamCredential;
    try {
      credential = await (target === PRIMARY_ALIAS ? this.watched(client.login(req.username, req.password), server, epoch) : client.login(req.username, req.password));
    } catch (err) {
      // The Primary began its handover pause after this login read the state: wait it out, once.
      if (target === PRIMARY_ALIAS && !retried && handoverSymptom(err) && (await this.switchoverSince(epoch))) return this.login(req, until);
      throw await this.bamFailure(err, server, target === PRIMARY_ALIAS);
    }
    // Both comparisons always run, in constant time: the answer does not leak which one differed.
    const userMatches = secretsEqual(req.username, this.d.config.service.username);
    const passwordMatches = secretsEqual(req.password, this.d.config.service.password);
    const maxLifetimeSeconds = await lifetimeRead;
    const token = newToken();
    const tokenHash = hashToken(token);
    const now = this.now();
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
      expiresAt: this.expiryAt(now, now, maxLifetimeSeconds),
      ...(maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds } : {}),
    };
    await this.d.sessions.create(session);
    return { token, session };
  }

  /** A login naming a drained or disabled host is refused before BAM sees the password (SPEC §11). */
  private async refuseIfOutOfService(host: string): Promise<void> {
    const mode = this.d.hostModes ? (await this.d.hostModes())[host] : undefined;
    if (mode === 'NO_NEW_SESSIONS') {
      throw new GatewayError(409, 'HostDraining', `Address Manager ${host} is being drained for maintenance and accepts no new sessions. Log in through "${PRIMARY_ALIAS}" instead.`);
    }
    if (mode === 'DISABLED') {
      throw new GatewayError(409, 'HostInMaintenance', `Address Manager ${host} is out of service for maintenance. Log in through "${PRIMARY_ALIAS}" instead.`);
    }
  }

  /**
   * The session behind a token, ready to call BAM. `duringFailover: 'allow'` is for calls that do
   * not need the Primary (status, logout): they are not refused while a failover is in progress.
   */
  async authenticate(token: string | undefined, opts: { duringFailover: 'refuse' | 'allow'; slide?: boolean } = { duringFailover: 'refuse' }): Promise<AuthenticatedSession> {
    if (!token) throw unauthorized();
    const tokenHash = hashToken(token);
    let session = await this.d.sessions.get(tokenHash);
    if (!session) throw unauthorized('Session not found or ended. Log in again.');
    const now = this.now();
    // The absolute lifetime is checked too: items stored before it existed may expire later.
    if (session.expiresAt <= now || now >= this.expiryAt(session.createdAt, Infinity, session.maxLifetimeSeconds)) {
      await this.d.sessions.delete(tokenHash);
      throw unauthorized('Session expired. Log in again.');
    }
    const state = this.d.stateCache ? await this.d.stateCache.forRequest(session.epoch) : (await this.d.monitor.get())?.state;
    const bound = await this.checkBinding(session, state, opts.duringFailover);
    session = bound.session;
    const monitor = bound.monitor;
    // `slide: false`: a heartbeat, not a user's activity (SPEC §12): the idle timeout runs on.
    if (opts.slide !== false && now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      const expiresAt = this.expiryAt(session.createdAt, now, session.maxLifetimeSeconds);
      await this.d.sessions.touch(tokenHash, now, expiresAt);
      session = { ...session, lastSeenAt: now, expiresAt };
    }
    return this.ready(session, monitor);
  }

  /** The session with a BAM client for its bound server, logged in with its (decrypted) credential. */
  private ready(session: SessionRecord, monitor: MonitorState | undefined): AuthenticatedSession {
    const server = this.serverNamed(session.boundServer);
    const credential = JSON.parse(this.d.cipher.decrypt(session.credential, session.sharedCredential ? sharedContext(session.epoch) : session.tokenHash)) as BamCredential;
    return { session, server, bam: bamClient(this.d.config.apiVersion, server.url, this.d.config.bamTimeoutMs, credential), monitor };
  }

  /**
   * Runs `call` (one workflow route) for the session, riding out what a client should not see:
   * - BAM rejects a restorable session's credential (the Primary restarted and forgot its
   *   sessions): re-established with the service credentials, then `call` runs again. At most two
   *   recoveries: own credential → the epoch's service session → a renewed one. A 401 means BAM
   *   applied nothing.
   * - `retryUnreachable` (a GET route) and the alias Primary refuses connections while the monitor
   *   still calls it Primary: probes and runs `call` again until the monitor decides, at most one
   *   detection window; then the caller's bamFailure answers the failover 503 (SPEC §4.3).
   */
  async runWithRecovery<T>(auth: AuthenticatedSession, call: (auth: AuthenticatedSession) => Promise<T>, opts: { retryUnreachable?: boolean } = {}): Promise<T> {
    let current = auth;
    let recovered = 0;
    let held = false;
    const deadline = this.now() + this.detectionWindowMs;
    for (;;) {
      try {
        return await (current.session.target === PRIMARY_ALIAS ? this.watched(call(current), current.server, current.monitor?.epoch ?? current.session.epoch) : call(current));
      } catch (err) {
        if (signOfChange(err)) this.d.stateCache?.invalidate();
        // A planned switchover paused BAM (a 503 or a refused connection), or the old Primary forgot its
        // sessions when the roles swapped (a 401): this call applied nothing. A GET route is held and
        // run again on the new Primary, once; any other gets the failover 503 (its earlier BAM calls
        // may have applied, so only the client may decide to send it again).
        const rejected = err instanceof BamHttpError && err.status === 401;
        if (!held && (handoverSymptom(err) || rejected) && (await this.switchoverSince(current.session.epoch, current.session))) {
          if (!opts.retryUnreachable) throw new FailoverInProgressError(this.retryAfterSeconds);
          held = true;
          current = await this.reauthenticate(current.session);
          continue;
        }
        if (err instanceof BamHttpError && err.status === 401 && recovered < 2) {
          const next = await this.recoverRejectedCredential(current);
          if (!next) throw err;
          current = next;
          recovered++;
          continue;
        }
        const refused = err instanceof BamUnreachableError && err.reason !== 'timeout'; // the request never reached BAM
        if (!(refused && opts.retryUnreachable && current.session.target === PRIMARY_ALIAS && (await this.stillPrimary(current.session, deadline)))) throw err;
      }
    }
  }

  /** A call to the alias Primary, answered the failover 503 once this process sees the monitor lose it (see primary-watch.ts). */
  private watched<T>(call: Promise<T>, server: BamServer, epoch: number): Promise<T> {
    const cache = this.d.stateCache;
    return watchPrimaryCall(call, server, epoch, {
      probeNow: this.d.probeNow,
      answeredAt: this.d.answeredAt ?? lastAnswerAt,
      ...(cache ? { subscribe: (listener) => cache.subscribe(listener), latest: () => cache.peek() } : {}),
      retryAfterSeconds: () => this.retryAfterSeconds,
      now: this.now,
    });
  }

  /**
   * Whether a planned switchover runs (for an alias session, or one pinned to either of its two
   * servers), or completed since `epoch` within the last bound (alias sessions only: a pinned one
   * keeps its epoch forever).
   */
  private async switchoverSince(epoch: number, session?: SessionRecord): Promise<boolean> {
    const state = (await this.d.monitor.get())?.state;
    if (!state) return false;
    if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS') return !session || switching(state, session);
    const last = state.lastSwitchover;
    const alias = !session || session.target === PRIMARY_ALIAS;
    return alias && last?.outcome === 'completed' && last.epoch > epoch && this.now() - last.at <= this.d.config.switchoverBoundMs;
  }

  /**
   * The longest a login or call is held by a planned switchover: its bound plus one probe round,
   * but never so long that the service login and the call itself (a BAM timeout each) would end
   * past API Gateway's 30 s; at least 1 s.
   */
  private get holdBudgetMs(): number {
    const { switchoverBoundMs, probe, bamTimeoutMs } = this.d.config;
    return Math.max(1000, Math.min(switchoverBoundMs + probe.intervalMs + probe.timeoutMs, HELD_CALL_LIMIT_MS - 2 * bamTimeoutMs));
  }

  /** The session checked again against the state after a switchover (held meanwhile), ready to call its server. */
  private async reauthenticate(session: SessionRecord): Promise<AuthenticatedSession> {
    const current = await this.d.sessions.get(session.tokenHash);
    if (!current) throw unauthorized('Session not found or ended. Log in again.');
    const bound = await this.checkBinding(current, (await this.d.monitor.get())?.state, 'refuse');
    return this.ready(bound.session, bound.monitor);
  }

  /**
   * An alias login waits while the Primary is being taken out: during a planned switchover, and
   * between the activation that drains or disables the Primary and the switchover's start (a new
   * session must not be bound to a drained host, SPEC §11). It probes meanwhile, which starts the
   * switchover at once. With no eligible target (the machine's own test: no healthy ENABLED
   * Standby, or the last attempt is blocked) nothing will start: the drained Primary serves the
   * login at once. If none starts within two probe rounds anyway, likewise.
   */
  private async holdWhileLeavingPrimary(monitor: MonitorState, until: number): Promise<MonitorState> {
    if (monitor.monitoringState === 'SWITCHOVER_IN_PROGRESS') return this.holdThroughSwitchover(monitor, until);
    if (monitor.monitoringState !== 'MONITORING' || !monitor.primary || !this.d.hostModes) return monitor;
    const mode = (await this.d.hostModes())[monitor.primary];
    if (!mode || mode === 'ENABLED' || !switchoverTarget(monitor, monitor.primary)) return monitor;
    const p = this.d.config.probe;
    const limit = Math.min(until, this.now() + 2 * p.intervalMs + p.timeoutMs);
    let state = monitor;
    // A round begun before the activation may not have seen it: the first probe shares only one
    // begun since this login saw the drain (or in the last 20 ms: a burst of logins starts few rounds).
    const sawDrain = this.now();
    while (state.monitoringState === 'MONITORING' && state.primary === monitor.primary && this.now() < limit) {
      state = await this.heldRound(state, state === monitor ? Math.max(20, this.now() - sawDrain) : HOLD_PROBE_GAP_MS);
    }
    if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS') return this.holdThroughSwitchover(state, until);
    if (state.primary === monitor.primary) logger.warn('alias login served by a drained Primary: no planned switchover started', { primary: monitor.primary, mode });
    return state;
  }

  private poll?: { at: number; read: Promise<MonitorState | undefined> };

  /**
   * The monitor state for calls held in this process: one read shared by every waiter within 50 ms,
   * so a hundred held calls poll the table as one (and do not slow the round they wait for).
   */
  private polledState(): Promise<MonitorState | undefined> {
    const now = this.now();
    if (this.poll && now - this.poll.at < 50) return this.poll.read;
    const read = this.d.monitor.get().then(
      (r) => r?.state,
      () => undefined,
    );
    this.poll = { at: now, read };
    return read;
  }

  /**
   * Holds a call while a planned switchover runs: probes (shared, rate-limited) and re-reads the
   * state until the new Primary is confirmed or the switch falls back to a failover, never past
   * its deadline plus one probe round. A call still held then gets the failover 503.
   */
  private async holdThroughSwitchover(monitor: MonitorState, until = this.now() + this.holdBudgetMs): Promise<MonitorState> {
    const p = this.d.config.probe;
    const limit = Math.min((monitor.switchover?.deadline ?? Infinity) + p.intervalMs + p.timeoutMs, until);
    let state = monitor;
    while (state.monitoringState === 'SWITCHOVER_IN_PROGRESS' && this.now() < limit) state = await this.heldRound(state, HOLD_PROBE_GAP_MS);
    if (state.monitoringState === 'SWITCHOVER_IN_PROGRESS') throw new FailoverInProgressError(this.retryAfterSeconds);
    return state;
  }

  /**
   * One step of a hold: a probe round (shared with any this process began less than `gapMs` ago)
   * and the state it left; if nothing changed, a pause of up to `gapMs` that ends as soon as this
   * process adopts a newer state. Every held call wakes with the round that confirms the new
   * Primary, not up to a poll later.
   */
  private async heldRound(state: MonitorState, gapMs: number): Promise<MonitorState> {
    const started = this.now();
    const after = newest(state, (this.d.probeNow ? await this.d.probeNow(gapMs).catch(() => undefined) : undefined) ?? (await this.polledState()));
    if (after.monitoringState !== state.monitoringState || after.primary !== state.primary) return after;
    return newest(after, await this.nextAdopted(HOLD_PROBE_GAP_MS - (this.now() - started), after));
  }

  /** The first state newer than `than` this process adopts within `ms` (undefined when none: the time ran out). */
  private nextAdopted(ms: number, than: MonitorState): Promise<MonitorState | undefined> {
    if (ms <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let unsubscribe: (() => void) | undefined;
      const done = (state?: MonitorState) => {
        clearTimeout(timer);
        unsubscribe?.();
        resolve(state);
      };
      const timer = setTimeout(done, ms);
      unsubscribe = this.d.stateCache?.subscribe((state) => state.version > than.version && done(state));
    });
  }

  /** N probe intervals (by then the monitor has declared a silent Primary lost), but never long for a waiting client. */
  private get detectionWindowMs(): number {
    const p = this.d.config.probe;
    return Math.min(p.intervalMs * p.failuresBeforeFailover, MAX_RETRY_WINDOW_MS);
  }

  /** After a refused call: probes, waits a moment, and answers whether the monitor still holds the session's server as Primary. */
  private async stillPrimary(session: SessionRecord, deadline: number): Promise<boolean> {
    if (!this.d.probeNow || this.now() >= deadline) return false;
    await this.d.probeNow().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const state = (await this.d.monitor.get())?.state;
    return state?.monitoringState === 'MONITORING' && state.primary === session.boundServer && state.epoch === session.epoch && this.now() < deadline;
  }

  /**
   * After BAM answered 401 to a restorable alias session: binds it to the epoch's service session,
   * or, when that very credential was the one rejected, to a renewed one. Renewal is one BAM login
   * per server restart, whatever the number of sessions (a conditional replace of the stored
   * credential), and only after BAM itself rejects the stored credential on a check. Answers
   * undefined when the session is not restorable, no Primary is known, or BAM still accepts it.
   */
  async recoverRejectedCredential(auth: AuthenticatedSession): Promise<AuthenticatedSession | undefined> {
    const { session } = auth;
    if (!session.restorable || session.target !== PRIMARY_ALIAS) return undefined;
    const monitor = (await this.d.monitor.get())?.state;
    if (monitor?.monitoringState !== 'MONITORING' || !monitor.primary) return undefined;
    // The stored one, not this process's copy: another process may have renewed it since.
    let service = await this.service.forEpoch(monitor, { stored: true });
    if (session.sharedCredential && session.epoch === monitor.epoch && session.credential === service.credential) {
      // undefined: BAM still accepts the stored credential, so the 401 came from elsewhere (the runner): nothing to recover.
      const renewed = await this.service.renew(monitor, { ...service, credential: service.credential });
      if (!renewed) {
        logger.warn('a BAM 401 reported for the service credential was not confirmed by BAM: credential kept', { username: session.username, server: service.server });
        return undefined;
      }
      service = renewed;
    }
    const to = { boundServer: service.server, credential: service.credential!, sharedCredential: true, epoch: monitor.epoch, serverIncarnation: monitor.servers[service.server]?.incarnation ?? 0 };
    if (await this.d.sessions.rebind(session.tokenHash, session.epoch, to)) return this.ready({ ...session, ...to }, monitor);
    const current = await this.d.sessions.get(session.tokenHash);
    return current ? this.ready(current, monitor) : undefined;
  }

  /** The idle expiry after use at `usedAt`, never past the absolute lifetime (the session's own, else the default) from `createdAt`. */
  private expiryAt(createdAt: number, usedAt: number, lifetime: SessionLifetime | undefined): number {
    return expiryAfterUse(createdAt, usedAt, this.d.config.sessionTtlSeconds, lifetime, this.d.config.sessionMaxLifetimeSeconds);
  }

  /** A user's live sessions, for admins: no token, no hash, no credential. */
  async sessionsOf(username: string): Promise<Omit<SessionSummary, 'tokenHash'>[]> {
    const now = this.now();
    return (await this.d.sessions.listByUser(username)).filter((s) => s.expiresAt > now).map(({ tokenHash: _hash, ...rest }) => rest);
  }

  /** Ends a user's sessions (all, or the one with `sessionId`); answers the ids ended. Their BAM sessions time out in BAM. */
  async revoke(username: string, sessionId?: string): Promise<string[]> {
    const ended: string[] = [];
    for (const s of await this.d.sessions.listByUser(username)) {
      if (sessionId !== undefined && s.sessionId !== sessionId) continue;
      await this.d.sessions.delete(s.tokenHash);
      ended.push(s.sessionId);
    }
    return ended;
  }

  /** Ends the session; its BAM session too, best effort (never the shared service session). */
  async logout(token: string | undefined): Promise<void> {
    const auth = await this.authenticate(token, { duringFailover: 'allow' });
    await this.d.sessions.delete(auth.session.tokenHash);
    if (!auth.session.sharedCredential) await auth.bam.logout().catch(() => undefined);
  }

  /** During a failover no request can reach a Primary: probe now (shared, rate-limited) in case one was just promoted. */
  private async probeAndReload(monitor: MonitorState): Promise<MonitorState> {
    if (!this.d.probeNow) return monitor;
    // The state the round left (read fresh and advanced): no second read.
    const after = await this.d.probeNow().catch(() => undefined);
    return after ?? (await this.d.monitor.get())?.state ?? monitor;
  }

  /**
   * Turns a failed BAM call into the answer a client should see. Through the alias, a Primary that
   * cannot be reached (or answers as a Standby) gets the failover 503 with Retry-After, whether or
   * not the monitor has decided yet: clients retry it, not a 502/504 (SPEC §4.3). It probes at once
   * so the decision comes sooner (`probe: false` inside a monitor round, which must not wait on itself).
   */
  async bamFailure(err: unknown, server: BamServer, viaAlias: boolean, opts: { probe?: boolean } = {}): Promise<Error> {
    const unreachable = err instanceof BamUnreachableError;
    const refusedAsStandby = err instanceof BamHttpError && err.status === 503;
    if (signOfChange(err)) this.d.stateCache?.invalidate();
    if (viaAlias && (unreachable || refusedAsStandby)) {
      if (opts.probe !== false && this.d.probeNow) await this.d.probeNow().catch(() => undefined);
      return new FailoverInProgressError(this.retryAfterSeconds);
    }
    if (unreachable) {
      return err.reason === 'timeout'
        ? new GatewayError(504, 'AddressManagerTimeout', `Address Manager ${server.name} did not answer in time.`)
        : new GatewayError(502, 'AddressManagerUnreachable', `Address Manager ${server.name} cannot be reached.`);
    }
    if (err instanceof BamHttpError) {
      if (err.status === 401) return unauthorized(`Address Manager ${server.name} rejected the credentials.`);
      if (err.status === 403) return new GatewayError(403, 'AddressManagerForbidden', `Address Manager ${server.name} refused: the user lacks the access rights for this.`);
      if (refusedAsStandby && (await this.isStandby(server, err))) {
        return new GatewayError(409, 'AddressManagerIsStandby', `Address Manager ${server.name} is a Standby server and serves no API. Log in through "${PRIMARY_ALIAS}" to reach the Primary.`);
      }
      return new GatewayError(502, 'AddressManagerError', `Address Manager ${server.name} answered ${err.status}: ${err.bamMessage}`);
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  /** A 503 from a server the monitor knows as a Standby, or that says it is one. */
  private async isStandby(server: BamServer, err: BamHttpError): Promise<boolean> {
    if (/standby/i.test(err.bamMessage)) return true;
    return (await this.d.monitor.get())?.state.servers[server.name]?.role === 'STANDBY';
  }

  private resolveTarget(req: LoginRequest, monitor: MonitorState | undefined): { target: string; server: BamServer; epoch: number } {
    const servers = this.d.config.servers;
    let target: string;
    if (req.bam_url !== undefined) {
      const url = req.bam_url.replace(/\/+$/, '');
      const match = servers.find((s) => s.url === url);
      if (!match) throw badRequest(`Unknown bam_url "${req.bam_url}": it is not one of the configured Address Manager servers.`);
      target = match.name;
    } else if (req.bam_alias !== undefined) {
      if (req.bam_alias !== PRIMARY_ALIAS && !servers.some((s) => s.name === req.bam_alias)) {
        throw badRequest(`Unknown bam_alias "${req.bam_alias}". Known: ${[PRIMARY_ALIAS, ...servers.map((s) => s.name)].join(', ')}.`);
      }
      target = req.bam_alias;
    } else {
      // The alias is the default while failover monitoring runs (it knows a Primary or is finding one).
      target = monitor && monitor.monitoringState !== 'STOPPED' ? PRIMARY_ALIAS : servers[0]!.name;
    }
    if (target !== PRIMARY_ALIAS) return { target, server: this.serverNamed(target), epoch: monitor?.epoch ?? 0 };
    if (monitor?.monitoringState === 'FAILOVER_IN_PROGRESS' || monitor?.monitoringState === 'SWITCHOVER_IN_PROGRESS') throw new FailoverInProgressError(this.retryAfterSeconds);
    if (!monitor?.primary)
      throw new GatewayError(503, 'NoPrimaryKnown', 'Failover monitoring has not found a Primary Address Manager yet. Try again shortly.', undefined, {
        'retry-after': String(this.retryAfterSeconds),
      });
    return { target, server: this.serverNamed(monitor.primary), epoch: monitor.epoch };
  }

  /** Checks the session's binding against the cluster; answers it (restored if need be) and the state it was checked against. */
  private async checkBinding(session: SessionRecord, monitor: MonitorState | undefined, duringFailover: 'refuse' | 'allow'): Promise<{ session: SessionRecord; monitor: MonitorState | undefined }> {
    if (monitor?.monitoringState === 'SWITCHOVER_IN_PROGRESS' && duringFailover === 'refuse' && switching(monitor, session)) monitor = await this.holdThroughSwitchover(monitor);
    if (session.target !== PRIMARY_ALIAS) {
      const server = monitor?.servers[session.target];
      // From the monitor state this request read anyway: no extra read. An older incarnation than the
      // last maintenance also ended by maintenance (the server may be back in service by now).
      if (server && (server.mode === 'DISABLED' || session.serverIncarnation < (server.maintenanceIncarnation ?? -1))) {
        await this.d.sessions.delete(session.tokenHash);
        throw new GatewayError(401, 'SessionEndedByMaintenance', `Your session ended because Address Manager ${session.target} was taken out of service for maintenance. Log in again.`);
      }
      if (server && server.incarnation !== session.serverIncarnation) {
        await this.d.sessions.delete(session.tokenHash);
        throw unauthorized(`Your session ended because Address Manager ${session.target} failed. Log in again.`);
      }
      return { session, monitor };
    }
    // <=: a replica that has not seen the latest failover yet (global table) must not end or rebind a newer session.
    if (!monitor || monitor.epoch <= session.epoch) return { session, monitor };
    if (monitor.monitoringState !== 'MONITORING' && duringFailover === 'refuse') monitor = await this.probeAndReload(monitor);
    if (monitor.monitoringState !== 'MONITORING' || !monitor.primary) {
      if (duringFailover === 'allow') return { session, monitor };
      throw new FailoverInProgressError(this.retryAfterSeconds);
    }
    // The same server Primary again after a blip (no other Primary confirmed since the session was
    // bound): its own BAM credential still works, so the session moves to the new epoch, not ends.
    const samePrimary = monitor.primary === session.boundServer && session.epoch >= (monitor.primarySinceEpoch ?? monitor.epoch);
    if (samePrimary && !session.sharedCredential) return { session: await this.rebindEpoch(session, monitor.epoch), monitor };
    if (!session.restorable) {
      await this.d.sessions.delete(session.tokenHash);
      const planned = monitor.lastSwitchover?.outcome === 'completed' && session.epoch === monitor.lastSwitchover.epoch - 1;
      if (planned)
        throw new GatewayError(
          401,
          'SessionEndedByMaintenance',
          `Your session ended because the Primary Address Manager ${monitor.lastSwitchover!.from} handed over to ${monitor.lastSwitchover!.target} for maintenance. Log in again to start a new session.`,
        );
      throw new GatewayError(401, 'SessionEndedByFailover', 'Your session ended because of an Address Manager failover. Log in again to start a new session.');
    }
    return { session: await this.restore(session, monitor), monitor };
  }

  /** Moves a session to `epoch`, keeping its server and credential. */
  private async rebindEpoch(session: SessionRecord, epoch: number): Promise<SessionRecord> {
    const to = { boundServer: session.boundServer, credential: session.credential, sharedCredential: session.sharedCredential, epoch, serverIncarnation: session.serverIncarnation };
    if (await this.d.sessions.rebind(session.tokenHash, session.epoch, to)) return { ...session, ...to };
    const current = await this.d.sessions.get(session.tokenHash);
    if (!current) throw unauthorized('Session not found or ended. Log in again.');
    return current;
  }

  /** Rebinds a restorable session to the current Primary with the epoch's one service-user BAM session. */
  private async restore(session: SessionRecord, monitor: MonitorState): Promise<SessionRecord> {
    const service = await this.serviceSession(monitor);
    const to = { boundServer: service.server, credential: service.credential!, sharedCredential: true, epoch: monitor.epoch, serverIncarnation: monitor.servers[service.server]?.incarnation ?? 0 };
    if (await this.d.sessions.rebind(session.tokenHash, session.epoch, to)) return { ...session, ...to };
    // Someone else changed it meanwhile: a concurrent request restored it (use that), or a logout ended it.
    const current = await this.d.sessions.get(session.tokenHash);
    if (!current) throw unauthorized('Session not found or ended. Log in again.');
    return current;
  }

  /**
   * The service user's BAM session of the monitor's epoch (the monitor asks for it as soon as it
   * confirms a new Primary: `justConfirmed`, nobody can have it yet).
   */
  serviceSession(monitor: MonitorState, opts: { justConfirmed?: boolean } = {}): Promise<ServiceSession> {
    return this.service.forEpoch(monitor, opts);
  }

  private serverNamed(name: string): BamServer {
    const s = this.d.config.servers.find((x) => x.name === name);
    if (!s) throw new GatewayError(500, 'ConfigurationError', `Address Manager ${name} is not configured.`);
    return s;
  }
}

/** What a call sees while BAM pauses for a switchover: a 503, or a refused connection (never a timeout: BAM may have applied it). */
function handoverSymptom(err: unknown): boolean {
  // Not a reset ('network'): BAM may have applied a request whose connection broke afterwards.
  return (err instanceof BamHttpError && err.status === 503) || (err instanceof BamUnreachableError && err.reason === 'refused');
}

/** What BAM answers when the cluster may have changed under a cached state: unreachable, 401 (forgot the session), 503 (Standby or pausing). */
function signOfChange(err: unknown): boolean {
  return err instanceof BamUnreachableError || (err instanceof BamHttpError && (err.status === 401 || err.status === 503));
}

/** Whether a session's calls need one of the two servers of the running switchover (alias sessions always do). */
function switching(monitor: MonitorState, session: SessionRecord): boolean {
  const sw = monitor.switchover;
  return session.target === PRIMARY_ALIAS || (sw !== undefined && (session.target === sw.from || session.target === sw.target));
}

function wantsAlias(req: LoginRequest, monitor: MonitorState): boolean {
  return req.bam_alias === PRIMARY_ALIAS || (req.bam_alias === undefined && req.bam_url === undefined && monitor.monitoringState !== 'STOPPED');
}
