import type { PendingEvent } from '../events/domain/events.js';
import type { Outbox } from '../events/ports.js';
import type { GroupState } from '../group/domain/group.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { BoundSession } from '../sessions/domain/session-binding.js';
import type { SessionLifetime } from '../sessions/domain/session-lifetime.js';
import type { BoundSessionFilter } from '../sessions/ports.js';
import type { Activation, ActiveConfiguration, Modes, WorkingCopy } from './domain/configuration.js';
import type { MaintenancePrincipal } from './domain/contract.js';

/** The active configuration is a domain value (the activation rules plan on it); the store keeps it. */
export type { ActiveConfiguration };

/**
 * What the maintenance feature needs from the outside world, named for that need. The DynamoDB,
 * Secrets Manager and EventBridge adapters implement these; tests use the in-memory fakes of
 * test/support/fakes/. Nothing here knows a table or an SDK.
 */

/** The active maintenance configuration: one versioned record, its activation history and its event outbox. */
export interface ConfigurationStore {
  readonly outbox: Outbox;
  get(): Promise<ActiveConfiguration>;
  /** Writes the activation and its events only if the active version is still `prev.version`; false when another activation won. */
  activate(prev: ActiveConfiguration, modes: Modes, activation: Activation, events: PendingEvent[]): Promise<boolean>;
}

/** A maintenance session (the JSESSIONID of /airlock/rest): who opened it, and its working copy once loaded. Holds no id, only its hash. */
export interface MaintenanceSession {
  idHash: string;
  principal: MaintenancePrincipal;
  workingCopy?: WorkingCopy;
  /** Counts the writes of the working copy: a write names the one it read, so parallel calls lose nothing. */
  wcRev?: number;
  createdAt: number;
  expiresAt: number;
}

export type WorkingCopySave = 'saved' | 'conflict' | 'gone';

export interface MaintenanceSessionStore {
  /** Records a new session (its id hash is new). */
  create(session: MaintenanceSession): Promise<void>;
  /** The session as stored (expired or not: the caller checks `expiresAt`), read strongly consistently. */
  get(idHash: string): Promise<MaintenanceSession | undefined>;
  /** Slides the idle expiry; false when the session is gone. */
  touch(idHash: string, expiresAt: number): Promise<boolean>;
  /**
   * Replaces the working copy (and slides the idle expiry) if it is still revision `readRev` (what
   * the caller read): 'conflict' when another call wrote it meanwhile, 'gone' when the session ended.
   */
  saveWorkingCopy(idHash: string, expiresAt: number, workingCopy: WorkingCopy, readRev?: number): Promise<WorkingCopySave>;
  delete(idHash: string): Promise<void>;
}

/** A tenant token as recorded: its id and claims, never the token itself. */
export interface TenantTokenRecord {
  jti: string;
  user: string;
  tenant: string;
  roles: string[];
  readPaths: string;
  writePaths: string;
  /** Seconds since the epoch, as in the JWT. */
  issuedAt: number;
  expiresAt: number;
}

export interface TenantTokenStore {
  put(record: TenantTokenRecord): Promise<void>;
  /** The record, if it exists (strongly consistent: a revocation counts on the next call). */
  get(tenant: string, user: string, jti: string): Promise<TenantTokenRecord | undefined>;
  list(filter: { tenant?: string; user?: string }): Promise<TenantTokenRecord[]>;
  delete(record: Pick<TenantTokenRecord, 'tenant' | 'user' | 'jti'>): Promise<void>;
}

/** Where the key material tenant tokens are signed with comes from (a variable locally, a generated secret in AWS). */
export interface TenantTokenKeySource {
  material(): Promise<string>;
}

/** What the maintenance API reads of a gateway session (the web UI's, or a script's with the maintenance permission). */
export interface GatewaySessionView extends BoundSession {
  username: string;
  createdAt: number;
  expiresAt: number;
  /** The user's own absolute lifetime when they logged in; absent: the configured default. */
  maxLifetimeSeconds?: SessionLifetime;
}

/** Gateway sessions, read only: the maintenance API never writes one. */
export interface GatewaySessionReader {
  get(tokenHash: string): Promise<GatewaySessionView | undefined>;
}

/** Counts the live gateway sessions bound to a server, in a bounded number of reads. */
export interface BoundSessionCounter {
  countBound(server: string, now: number, which: BoundSessionFilter): Promise<{ count: number; requests: number }>;
}

/** The failover monitor's state, read only. */
export interface MonitorStateReader {
  get(): Promise<{ state: MonitorState } | undefined>;
}

/** The availability group's state, read only. */
export interface GroupStateReader {
  get(): Promise<GroupState | undefined>;
}

/** Whether a gateway user holds a permission (directly or through a group). */
export interface PermissionCheck {
  has(username: string, permission: string): Promise<boolean>;
}
