import type { Outbox } from '../events/ports.js';
import type { GroupChange, GroupState } from './domain/group.js';

/**
 * The shared record of the availability group, as the group's rules need it: every role change is
 * a conditional write, so two nodes can never both make themselves Primary of one epoch. The
 * DynamoDB adapter implements it on one item; test/support/fakes/group-store.ts in memory.
 */
export interface GroupStore {
  /** Role events committed with role changes and not yet published. */
  readonly outbox: Outbox;
  /** The group as last written (strongly consistent), or undefined before any node created it. */
  get(): Promise<GroupState | undefined>;
  /** Creates the group with its events; false if another node created it first. */
  create(change: GroupChange): Promise<boolean>;
  /**
   * Writes a role change made from `prev`: only if nothing changed roles since (version) and, when
   * `heartbeatSeen` is given, the Primary has not heartbeated since either. With `settled`, only if
   * the current Primary has heartbeated since it got the role (two manual failovers racing would
   * otherwise both apply, one after the other, and hand the role straight back). False when refused.
   */
  change(prev: GroupState, change: GroupChange, heartbeatSeen?: number, opts?: { settled?: boolean }): Promise<boolean>;
  /** The Primary's heartbeat; false when `me` is no longer the Primary of `epoch` (it lost the role). */
  heartbeat(me: string, epoch: number, now: number): Promise<boolean>;
  /** A member's sign of life (so a manual failover knows it can take the role); nothing for a non-member. */
  touch(me: string, now: number): Promise<void>;
}
