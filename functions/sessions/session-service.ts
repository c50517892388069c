import type { BamHttpError, BamUnreachableError } from '../bam/http.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import { Authentication } from './authentication.js';
import { BamFailures } from './bam-failure.js';
import { bamLoginsOver } from './bam-logins.js';
import { CallRecovery } from './call-recovery.js';
import { ClusterView } from './cluster-view.js';
import type { LoginRequest } from './domain/login-target.js';
import type { SessionRecord, SessionSummary } from './domain/session-record.js';
import { FailoverBinding, type DuringFailover } from './failover-binding.js';
import { Login } from './login.js';
import type {
  AnsweredAt,
  BamLogins,
  CredentialSealer,
  HostModesSource,
  MonitorStateFeed,
  MonitorStateSource,
  ProbeNow,
  ServiceSession,
  ServiceSessionStore,
  SessionStore,
  UserSettingsReader,
} from './ports.js';
import { ServiceSessions } from './service-sessions.js';
import { liveSessionsOf, revokeSessions } from './session-admin.js';
import type { AuthenticatedSession } from './session-client.js';
import { retryAfterSeconds, type SessionSettings } from './settings.js';
import { SwitchoverHold } from './switchover-hold.js';

export { PRIMARY_ALIAS } from './domain/session-record.js';
export type { LoginRequest } from './domain/login-target.js';
export type { AuthenticatedSession } from './session-client.js';

export interface SessionServiceDeps {
  config: SessionSettings;
  sessions: SessionStore;
  /** The monitor's stored state, and the epochs' service sessions kept beside it. */
  monitor: MonitorStateSource & ServiceSessionStore;
  /** Where authenticate takes the monitor state from (absent: a read per request). Signs of change invalidate it. */
  stateCache?: MonitorStateFeed;
  cipher: CredentialSealer;
  /** Runs one immediate probe round when a request finds the Primary unreachable; answers the state after it, when it knows it. */
  probeNow?: ProbeNow;
  /** The active configuration's host modes, read only by logins naming a host (not per request). Absent: every host ENABLED. */
  hostModes?: HostModesSource;
  /** Per-user settings: a login takes its user's own session lifetime, if an admin set one. */
  userSettings?: UserSettingsReader;
  /** When this process last received an answer a BAM server served (default: bam/answers.ts). */
  answeredAt?: AnsweredAt;
  /** Address Manager logins (default: BAM's API in the configured version). */
  bam?: BamLogins;
  now?: () => number;
}

/**
 * The sessions feature's use cases behind one object for the gateway's handlers: logging in,
 * authenticating, a session's BAM calls and their failures, logging out, the admin listing, and
 * the service user's session of a new Primary. Each lives in its own module; this only builds
 * them from the ports and passes calls on.
 */
export class SessionService {
  private readonly logins: Login;
  private readonly auth: Authentication;
  private readonly recovery: CallRecovery;
  private readonly failures: BamFailures;
  private readonly service: ServiceSessions;
  private readonly now: () => number;

  constructor(private readonly d: SessionServiceDeps) {
    const now = d.now ?? Date.now;
    this.now = now;
    const settings = d.config;
    const retryAfter = () => retryAfterSeconds(settings);
    const bam = d.bam ?? bamLoginsOver(settings.apiVersion, settings.bamTimeoutMs);
    const view = new ClusterView({ monitor: d.monitor, stateCache: d.stateCache, probeNow: d.probeNow, answeredAt: d.answeredAt, retryAfterSeconds: retryAfter, now });
    this.failures = new BamFailures(view, retryAfter);
    this.service = new ServiceSessions({
      settings,
      store: d.monitor,
      cipher: d.cipher,
      bam,
      now,
      failure: (err, server) => this.failures.of(err, server, true, { probe: false }),
      retryAfterSeconds: retryAfter,
    });
    const hold = new SwitchoverHold({ settings, view, hostModes: d.hostModes, retryAfterSeconds: retryAfter, now });
    const binding = new FailoverBinding({ sessions: d.sessions, view, hold, service: this.service, retryAfterSeconds: retryAfter });
    const client = { servers: settings.servers, cipher: d.cipher, bam };
    this.auth = new Authentication({ ...client, settings, sessions: d.sessions, view, binding, now });
    this.logins = new Login({
      ...client,
      settings,
      sessions: d.sessions,
      view,
      hold,
      failures: this.failures,
      hostModes: d.hostModes,
      userSettings: d.userSettings,
      retryAfterSeconds: retryAfter,
      now,
    });
    this.recovery = new CallRecovery({ ...client, settings, sessions: d.sessions, view, hold, binding, service: this.service, retryAfterSeconds: retryAfter, now });
  }

  /** The failover 503's Retry-After, in seconds. */
  get retryAfterSeconds(): number {
    return retryAfterSeconds(this.d.config);
  }

  login(req: LoginRequest): Promise<{ token: string; session: SessionRecord }> {
    return this.logins.login(req);
  }

  /**
   * The session behind a token, ready to call BAM. `duringFailover: 'allow'` is for calls that do
   * not need the Primary (status, logout): they are not refused while a failover is in progress.
   */
  authenticate(token: string | undefined, opts?: { duringFailover: DuringFailover; slide?: boolean }): Promise<AuthenticatedSession> {
    return this.auth.authenticate(token, opts);
  }

  logout(token: string | undefined): Promise<void> {
    return this.auth.logout(token);
  }

  /** Runs a session's BAM call, riding out a forgotten credential, a switchover's pause and a refused Primary (call-recovery.ts). */
  runWithRecovery<T>(auth: AuthenticatedSession, call: (auth: AuthenticatedSession) => Promise<T>, opts?: { retryUnreachable?: boolean }): Promise<T> {
    return this.recovery.run(auth, call, opts);
  }

  /** A session's failed BAM call as the client should see it (bam-failure.ts). */
  callFailure(err: BamHttpError | BamUnreachableError, auth: AuthenticatedSession): Promise<Error> {
    return this.failures.ofCall(err, auth);
  }

  sessionsOf(username: string): Promise<Omit<SessionSummary, 'tokenHash'>[]> {
    return liveSessionsOf(this.d.sessions, username, this.now());
  }

  revoke(username: string, sessionId?: string): Promise<string[]> {
    return revokeSessions(this.d.sessions, username, sessionId);
  }

  /**
   * The service user's BAM session of the monitor's epoch (the monitor asks for it as soon as it
   * confirms a new Primary: `justConfirmed`, nobody can have it yet).
   */
  serviceSession(monitor: MonitorState, opts: { justConfirmed?: boolean } = {}): Promise<ServiceSession> {
    return this.service.forEpoch(monitor, opts);
  }
}
