import type { Outbox } from '../events/ports.js';
import type { PendingEvent } from '../events/domain/events.js';
import type { Activation, Modes, WorkingCopy } from './domain/configuration.js';
import type { AirlockPrincipal } from './domain/contract.js';

/** The active maintenance configuration: the modes every node follows, and how they came to be. */
export interface ActiveConfiguration {
  /** 0 before the first activation (every host ENABLED). */
  version: number;
  modes: Modes;
  /** Oldest first, at most HISTORY_LIMIT. */
  history: Activation[];
}

/** A REST session of the maintenance API: who opened it, and its working copy once loaded. No token. */
export interface AirlockSession {
  idHash: string;
  principal: AirlockPrincipal;
  workingCopy?: WorkingCopy;
  /** Counts the writes of the working copy: a write names the one it read, so parallel calls lose nothing. */
  wcRev?: number;
  createdAt: number;
  expiresAt: number;
}

/** The active configuration, replaced only by an activation of the version read (adapters/configuration-store.ts). */
export interface ConfigurationStore {
  readonly outbox: Outbox;
  get(): Promise<ActiveConfiguration>;
  /** Activates `modes` if the stored configuration is still `prev`; false when another activation won. */
  activate(prev: ActiveConfiguration, modes: Modes, activation: Activation, events: PendingEvent[]): Promise<boolean>;
}

/** The maintenance API's REST sessions (adapters/airlock-session-store.ts). */
export interface AirlockSessionStore {
  create(s: AirlockSession): Promise<void>;
  get(idHash: string): Promise<AirlockSession | undefined>;
  /** Slides the idle timeout; false when the session is gone. */
  touch(idHash: string, expiresAt: number): Promise<boolean>;
  /** Writes the working copy if it is still revision `readRev`. */
  saveWorkingCopy(idHash: string, expiresAt: number, workingCopy: WorkingCopy, readRev?: number): Promise<'saved' | 'conflict' | 'gone'>;
  delete(idHash: string): Promise<void>;
}

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
