import type { BamClient } from '../bam/clients.js';
import type { BamCredential } from '../bam/credential.js';
import type { HostModes, MonitorState } from '../monitor/domain/monitor-machine.js';
import type { Counter } from './domain/login-backoff.js';
import type { BamServer } from './domain/servers.js';
import type { SessionLifetime } from './domain/session-lifetime.js';
import type { SessionBinding, SessionRecord, SessionSummary } from './domain/session-record.js';

// The session record is domain (the binding rules read it); named here too for the ports' users.
export type { SessionBinding, SessionRecord, SessionSummary };

/**
 * What the sessions feature needs from the world outside it, named for that need. The adapters
 * (functions/adapters) implement the stores; in-memory fakes in test/support/fakes implement
 * every port, so the session and login-limit rules are tested without a table or a BAM.
 */

/** Where sessions are kept. */
export interface SessionStore {
  /** Stores a new session (never overwrites one with the same token hash). */
  create(session: SessionRecord): Promise<void>;
  /** Read consistently: a logout or rebind a moment ago is seen. */
  get(tokenHash: string): Promise<SessionRecord | undefined>;
  delete(tokenHash: string): Promise<void>;
  /** Moves the idle expiry; a session deleted meanwhile stays deleted. */
  touch(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  /** Moves a session to a new binding, only if it is still bound in `fromEpoch`; false otherwise (or when it is gone). */
  rebind(tokenHash: string, fromEpoch: number, to: SessionBinding): Promise<boolean>;
  /** A user's sessions, whatever the case of the name, oldest first (eventually consistent: a session made a moment ago may be missing). */
  listByUser(username: string): Promise<SessionSummary[]>;
}

/**
 * Which live sessions bound to a server to count: pinned ones (target = the server), optionally
 * only of its current incarnation; alias ones (target = `alias`), only restorable ones or those
 * bound since `sinceEpoch`. An absent part counts nothing.
 */
export interface BoundSessionFilter {
  pinned?: { incarnation?: number };
  alias?: { target: string; sinceEpoch: number };
}

/**
 * The service user's BAM session for one epoch: the one re-login that restores every restorable
 * session. While one process logs in, the item is a claim (no credential, a lease) that others wait on.
 */
export interface ServiceSession {
  epoch: number;
  server: string;
  credential?: string;
  holder?: string;
  leaseUntil?: number;
}

/** Where each epoch's service session is kept, shared by every process. */
export interface ServiceSessionStore {
  getServiceSession(epoch: number): Promise<ServiceSession | undefined>;
  /**
   * Takes the right to log in for `epoch` (none claimed yet, or the claim's lease ran out). With
   * `replacing`: the right to replace that stored credential (BAM rejected it), if it is still stored.
   */
  claimServiceSession(epoch: number, server: string, holder: string, now: number, leaseMs: number, replacing?: string): Promise<boolean>;
  /** Stores the credential, if `holder` still holds the claim (and, with `replacing`, that one is still stored). */
  completeServiceSession(epoch: number, holder: string, credential: string, replacing?: string): Promise<boolean>;
}

/** The failover monitor's stored state, read consistently. */
export interface MonitorStateSource {
  get(): Promise<{ state: MonitorState } | undefined>;
}

/** This process's recent view of the monitor state (functions/monitor/monitor-state-cache.ts), and word of every newer one it adopts. */
export interface MonitorStateFeed {
  /** The state for a request by a session bound in `sessionEpoch`: a recent quiet one, else read. */
  forRequest(sessionEpoch?: number): Promise<MonitorState | undefined>;
  /** A sign of change from BAM: the next request reads the state. */
  invalidate(): void;
  /** Calls `listener` with every state this process adopts from now on; answers the unsubscribe. */
  subscribe(listener: (state: MonitorState) => void): () => void;
  /** The latest state this process adopted, however old (no read). */
  peek(): MonitorState | undefined;
}

/** One immediate probe round (shared with any begun less than `minGapMs` ago); the state after it, when known. */
export type ProbeNow = (minGapMs?: number) => Promise<MonitorState | undefined>;
/** The active configuration's host modes (drained or disabled hosts). */
export type HostModesSource = () => Promise<HostModes>;
/** When this process last received an answer the BAM server at `url` served. */
export type AnsweredAt = (url: string) => number | undefined;

/** Encrypts BAM credentials at rest, each bound to a context (a token hash, an epoch). */
export interface CredentialSealer {
  encrypt(plaintext: string, context: string): string;
  decrypt(sealed: string, context: string): string;
}

/** Address Manager as sessions use it: logging in and out, and checking a credential. */
export interface BamLogins {
  login(server: BamServer, username: string, password: string): Promise<BamCredential>;
  logout(server: BamServer, credential: BamCredential): Promise<void>;
  /** Whether BAM still accepts the credential (false on its 401 or 403); other failures propagate. */
  accepts(server: BamServer, credential: BamCredential): Promise<boolean>;
  /** A client calling `server` with the credential, for the session's callers. */
  client(server: BamServer, credential: BamCredential): BamClient;
}

/** Per-user settings an admin gives (the session lifetime of automation accounts). */
export interface UserSettings {
  username: string;
  sessionLifetime: SessionLifetime;
  updatedAt: number;
  updatedBy: string;
}

/** Where a login reads its user's settings: by name, whatever its case (BAM user names are case-insensitive). */
export interface UserSettingsReader {
  get(username: string): Promise<UserSettings | undefined>;
}

/** One login-throttle item as read: its failure counter, and its count of logins in flight (0 when started over). */
export interface Slot {
  counter?: Counter;
  inFlight: number;
  /** When the count in flight was started: a place's lease, given back with it. */
  leaseAt?: number;
  /** Places given back so far: when it moves, a queue for the count is moving. */
  turns: number;
}

/** A place taken in a count: the lease to give it back with, and the item's counter as the place was taken (one atomic write). */
export interface Place {
  lease: number;
  counter?: Counter;
  /** The count in flight with this place. */
  inFlight: number;
}

/**
 * The login throttle's items, one per key (a username, a username at an address, an address, a
 * device): each a failure counter and a count of logins in flight, changed atomically; and the
 * marks that a username logged in from an address (known clients).
 */
export interface ThrottleStore {
  get(pk: string, now: number, leaseMs: number): Promise<Slot>;
  /** The items of `pks` and, with `knownPk`, until when that pair is known (0: not), in one consistent read. */
  read(pks: string[], knownPk: string | undefined, now: number, leaseMs: number): Promise<{ slots: Record<string, Slot>; knownUntil: number }>;
  /**
   * Takes one place in the count of `pk` if fewer than `max` are in flight; undefined when `max`
   * are. A count at zero, or not back to zero for `leaseMs`, is started over with this place.
   */
  acquire(pk: string, max: number, now: number, leaseMs: number, seen?: Slot): Promise<Place | undefined>;
  /**
   * Gives back a place (a count started over since is left alone); `reset` also clears the
   * failure counter. Answers how many are left in flight (undefined when the count had started over).
   */
  release(pk: string, lease: number, opts?: { reset?: boolean }): Promise<number | undefined>;
  /** Clears the failure counter, leaving the count in flight alone. */
  reset(pk: string): Promise<void>;
  /** Counts one failure if the counter stays below `limit` within its window (started after `windowStart`); false when it would not. */
  addBelow(pk: string, limit: number, now: number, windowStart: number, ttl: number): Promise<boolean>;
  /** Replaces the counter if it is still the one read (`seen`); false when it changed meanwhile. */
  replace(pk: string, seen: Counter | undefined, next: Counter, ttl: number): Promise<boolean>;
  /** Marks that the username of `pairPk` logged in successfully from its address, until `until` (epoch ms). */
  markKnown(pairPk: string, until: number): Promise<void>;
}
