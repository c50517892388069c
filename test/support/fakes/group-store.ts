import type { GroupChange, GroupState } from '../../../functions/group/domain/group.js';
import type { GroupStore } from '../../../functions/group/ports.js';
import { InMemoryOutbox } from './outbox.js';

/**
 * The availability group's state item in memory, with the adapter's conditions: a role change only
 * over the version it was made from (and, for a takeover, the heartbeat the taker saw; `settled`:
 * only once the current Primary has heartbeated since it got the role), a heartbeat only from the
 * Primary of that epoch, a touch only from a member. Reads and writes copy, as a table does.
 */
export class InMemoryGroupStore implements GroupStore {
  /** The stored item, as a test inspects it; `roleChangedSeq`: the heartbeat the current Primary started from. */
  item?: GroupState & { roleChangedSeq?: number };
  readonly outbox = new InMemoryOutbox(() => this.item !== undefined);

  async get(): Promise<GroupState | undefined> {
    if (!this.item) return undefined;
    const { roleChangedSeq: _, ...state } = structuredClone(this.item);
    return state;
  }

  async create(change: GroupChange): Promise<boolean> {
    if (this.item) return false;
    this.item = structuredClone(change.state);
    this.outbox.add(change.events);
    return true;
  }

  async change(prev: GroupState, change: GroupChange, heartbeatSeen?: number, opts: { settled?: boolean } = {}): Promise<boolean> {
    const item = this.item;
    if (!item || item.version !== prev.version) return false;
    if (opts.settled && item.roleChangedSeq !== undefined && !(item.heartbeatSeq > item.roleChangedSeq)) return false;
    if (heartbeatSeen !== undefined && item.heartbeatSeq !== heartbeatSeen) return false;
    const s = structuredClone(change.state);
    this.item = { ...s, ...(s.epoch !== prev.epoch ? { roleChangedSeq: s.heartbeatSeq } : item.roleChangedSeq !== undefined ? { roleChangedSeq: item.roleChangedSeq } : {}) };
    this.outbox.add(change.events);
    return true;
  }

  async heartbeat(me: string, epoch: number, now: number): Promise<boolean> {
    const item = this.item;
    if (!item || item.primary !== me || item.epoch !== epoch) return false;
    const member = item.members[me];
    if (!member) throw new Error(`The document path for member ${me} is invalid`); // as DynamoDB refuses it
    item.heartbeatSeq += 1;
    item.lastHeartbeatAt = now;
    member.lastSeen = now;
    return true;
  }

  async touch(me: string, now: number): Promise<void> {
    const member = this.item?.members[me];
    if (member) member.lastSeen = now;
  }
}
