import type { Counter } from './domain/login-backoff.js';

/** A gateway session as stored. Holds no token and no password; `credential` is ciphertext. */
export interface SessionRecord {
  tokenHash: string;
  /** Opaque id naming the session to admins (list, revoke): reveals neither the token nor its hash. */
  sessionId: string;
  username: string;
  /** `primary-address-manager` or the name of a specific server. */
  target: string;
  boundServer: string;
  /** Encrypted BamCredential for boundServer. */
  credential: string;
  /** True when this credential is the service user's shared one (never logged out per session). */
  sharedCredential: boolean;
  /** The login used the failover-monitoring service credentials: restorable after a failover. */
  restorable: boolean;
  /** Cluster epoch the binding was made in (alias sessions). */
  epoch: number;
  /** Incarnation of boundServer when bound (specific-server sessions end when it goes DOWN). */
  serverIncarnation: number;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** The user's own absolute lifetime when they logged in (seconds; null: none); absent: the configured default. */
  maxLifetimeSeconds?: number | null;
}

/** What the admin listing shows of a session; `tokenHash` stays inside the gateway (it addresses the item). */
export type SessionSummary = Pick<SessionRecord, 'tokenHash' | 'sessionId' | 'username' | 'target' | 'boundServer' | 'restorable' | 'createdAt' | 'lastSeenAt' | 'expiresAt'>;

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  get(tokenHash: string): Promise<SessionRecord | undefined>;
  delete(tokenHash: string): Promise<void>;
  touch(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  /** Moves a session to a new binding, only if it is still bound in `fromEpoch`. */
  rebind(tokenHash: string, fromEpoch: number, to: Pick<SessionRecord, 'boundServer' | 'credential' | 'sharedCredential' | 'epoch' | 'serverIncarnation'>): Promise<boolean>;
  /** A user's sessions, whatever the case of the name, from the index (eventually consistent: a session made a moment ago may be missing). */
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

/** One throttle item as read: its failure counter, and its count of logins in flight (0 when started over). */
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

/** Login throttling items: failure counters and counts of logins in flight, per key (adapters/throttle-store.ts). */
export interface ThrottleStore {
  get(pk: string, now: number, leaseMs: number): Promise<Slot>;
  /** The items of `pks` and, with `knownPk`, until when that pair is known (0: not), in one consistent read. */
  read(pks: string[], knownPk: string | undefined, now: number, leaseMs: number): Promise<{ slots: Record<string, Slot>; knownUntil: number }>;
  /** Takes one place in the count of `pk` if fewer than `max` are in flight; undefined when `max` are. */
  acquire(pk: string, max: number, now: number, leaseMs: number, seen?: Slot): Promise<Place | undefined>;
  /** Gives back a place (`reset` also clears the failure counter); answers how many are left in flight. */
  release(pk: string, lease: number, opts?: { reset?: boolean }): Promise<number | undefined>;
  reset(pk: string): Promise<void>;
  /** Counts one failure if the counter stays below `limit` within its window; false when it would not. */
  addBelow(pk: string, limit: number, now: number, windowStart: number, ttl: number): Promise<boolean>;
  /** Replaces the counter if it is still the one read; false when it changed meanwhile. */
  replace(pk: string, seen: Counter | undefined, next: Counter, ttl: number): Promise<boolean>;
  markKnown(pairPk: string, until: number): Promise<void>;
}
