import type { GroupChange, GroupState } from './domain/group.js';
import type { Outbox } from '../events/ports.js';

/** The availability group's state, changed only by conditional writes (adapters/group-store.ts). */
export interface GroupStore {
  readonly outbox: Outbox;
  get(): Promise<GroupState | undefined>;
  /** Creates the group; false if another node created it first. */
  create(change: GroupChange): Promise<boolean>;
  /** Applies `change` if the group is still `prev` (and, for a takeover, the heartbeat still the one seen); its events go to the outbox. */
  change(prev: GroupState, change: GroupChange, heartbeatSeen?: number, opts?: { settled?: boolean }): Promise<boolean>;
  /** The Primary's heartbeat; false when `me` is no longer the Primary of `epoch`. */
  heartbeat(me: string, epoch: number, now: number): Promise<boolean>;
  /** A Secondary's sign of life. */
  touch(me: string, now: number): Promise<void>;
}
