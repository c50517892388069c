import type { GroupChange, GroupState } from '../../../functions/group/domain/group.js';
import type { GroupStore } from '../../../functions/group/ports.js';
import type { Outbox } from '../../../functions/adapters/outbox.js';
import { InMemoryOutbox } from './outbox.js';

/** The one group record every node's store reads and writes, as the table holds it. */
export class InMemoryGroupTable {
  item?: GroupState & { roleChangedSeq?: number };
  readonly outbox = new InMemoryOutbox(() => this.item !== undefined);
}

/** What a node sees when its link to the table is cut: a network error, and nothing reaches the table. */
const unreachable = () => Object.assign(new Error('connect ECONNREFUSED (partitioned from the table)'), { name: 'TimeoutError', code: 'ECONNREFUSED' });

/**
 * A node's GroupStore on an in-memory group table, with the DynamoDB adapter's conditions (the
 * contract suite test/support/contracts/group-store.ts holds both to them), and a link that a
 * test can cut (`link.cut()`): a node partitioned from the table.
 */
export class InMemoryGroupStore implements GroupStore {
  private isCut = false;
  readonly link = { cut: () => void (this.isCut = true), heal: () => void (this.isCut = false), isCut: () => this.isCut };
  /** The table's outbox, reached through this node's link. */
  readonly outbox: Outbox = {
    pending: async () => (this.reach(), this.table.outbox.pending()),
    lease: async (holder, now, leaseMs) => (this.reach(), this.table.outbox.lease(holder, now, leaseMs)),
    remove: async (ids, holder) => (this.reach(), this.table.outbox.remove(ids, holder)),
  };

  constructor(readonly table = new InMemoryGroupTable()) {}

  private reach(): void {
    if (this.isCut) throw unreachable();
  }

  async get(): Promise<GroupState | undefined> {
    this.reach();
    const item = this.table.item;
    if (!item) return undefined;
    const { roleChangedSeq: _internal, ...state } = structuredClone(item);
    return state;
  }

  async create(change: GroupChange): Promise<boolean> {
    this.reach();
    if (this.table.item) return false;
    this.table.item = structuredClone(change.state);
    this.table.outbox.add(change.events);
    return true;
  }

  async change(prev: GroupState, change: GroupChange, heartbeatSeen?: number, opts: { settled?: boolean } = {}): Promise<boolean> {
    this.reach();
    const item = this.table.item;
    if (!item || item.version !== prev.version) return false;
    if (opts.settled && item.roleChangedSeq !== undefined && !(item.heartbeatSeq > item.roleChangedSeq)) return false;
    if (heartbeatSeen !== undefined && item.heartbeatSeq !== heartbeatSeen) return false;
    const s = structuredClone(change.state);
    this.table.item = { ...item, ...s, ...(s.epoch !== prev.epoch ? { roleChangedSeq: s.heartbeatSeq } : {}) };
    this.table.outbox.add(change.events);
    return true;
  }

  async heartbeat(me: string, epoch: number, now: number): Promise<boolean> {
    this.reach();
    const item = this.table.item;
    if (!item || item.primary !== me || item.epoch !== epoch) return false;
    item.heartbeatSeq += 1;
    item.lastHeartbeatAt = now;
    item.members[me] = { ...item.members[me]!, lastSeen: now };
    return true;
  }

  async touch(me: string, now: number): Promise<void> {
    this.reach();
    const member = this.table.item?.members[me];
    if (member) member.lastSeen = now;
  }
}
