import type { MonitorState } from './domain/monitor-machine.js';
import type { PendingEvent } from '../events/domain/events.js';
import type { Outbox } from '../events/ports.js';

/** The monitor's stored state and its outbox, as the monitor reads and commits them. */
export interface StoredMonitor {
  state: MonitorState;
  /** Events committed with a state change and not yet published, oldest first. */
  outbox: PendingEvent[];
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

export interface MonitorStore {
  get(): Promise<StoredMonitor | undefined>;
  /** Writes `next` (and appends `events` to the outbox) only if the stored version is still `next.version - 1`. */
  commit(next: MonitorState, events: PendingEvent[]): Promise<boolean>;
  /** The events committed with state changes and not yet published. */
  readonly outbox: Outbox;
  getServiceSession(epoch: number): Promise<ServiceSession | undefined>;
  /**
   * Takes the right to log in for `epoch` (none claimed yet, or the claim's lease ran out). With
   * `replacing`: the right to replace that stored credential (BAM rejected it), if it is still stored.
   */
  claimServiceSession(epoch: number, server: string, holder: string, now: number, leaseMs: number, replacing?: string): Promise<boolean>;
  /** Stores the credential, if `holder` still holds the claim (and, with `replacing`, that one is still stored). */
  completeServiceSession(epoch: number, holder: string, credential: string, replacing?: string): Promise<boolean>;
}

/** A planned switchover's handover request to BAM, prepared before the write that decides whether to send it. */
export interface HandoverRequest {
  send(): Promise<void>;
  /** Another monitor's write won (or the write failed): never sent; awaited, so that nothing is left open when a Lambda run ends. */
  cancel(): Promise<void>;
}
