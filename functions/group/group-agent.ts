import { randomUUID } from 'node:crypto';
import type { GroupStore } from './ports.js';
import { bootstrap, changePrimary, decide, join, primaryLeaseMs, roleOf, type GroupIntervals, type GroupState, type HeartbeatObservation, type NodeRole } from './domain/group.js';
import type { EventPublisher } from '../events/ports.js';
import { flushOutbox } from '../events/outbox-flusher.js';

export interface GroupAgentOptions {
  nodeId: string;
  nodeUrl: string | null;
  intervals: GroupIntervals;
  store: GroupStore;
  publisher: EventPublisher;
  now?: () => number;
  onRoleChange?: (from: NodeRole, to: NodeRole, state: GroupState) => void;
}

/**
 * One node's membership of the availability group: creates or joins the group, heartbeats while
 * Primary, watches the heartbeat while Secondary and takes over when it stops, and publishes the
 * role events its writes committed.
 *
 * The Primary role is held on a lease (`primaryLeaseMs`): renewed by each successful heartbeat,
 * lost when none succeeded for that long. A node cut off from the table (a region that lost its
 * quorum) therefore stops acting as Primary before the other node can take over.
 */
export class GroupAgent {
  state?: GroupState;
  /** The role the table gives this node, as last read or written. */
  private held: NodeRole = 'NOT_IN_GROUP';
  /** Until when (own clock) this node may act as Primary: the start of its last successful role write plus the lease. */
  private leaseUntil = Number.NEGATIVE_INFINITY;
  private leaseLossReported = false;
  /** When `state` was last read or written by this agent (0: never): others in the process reuse it while fresh. */
  observedAt = 0;
  private touchedAt = 0;
  private seen?: HeartbeatObservation;
  private outboxDirty = true;
  private readonly holder = randomUUID();
  private readonly now: () => number;

  constructor(private readonly o: GroupAgentOptions) {
    this.now = o.now ?? Date.now;
  }

  get intervals(): GroupIntervals {
    return this.o.intervals;
  }

  /** This node's role now: PRIMARY only while the table says so and the lease has not run out. */
  get role(): NodeRole {
    return this.held === 'PRIMARY' && !this.leaseHeld() ? 'SECONDARY' : this.held;
  }

  private leaseHeld(): boolean {
    return this.now() < this.leaseUntil;
  }

  /** A role write that started at `started` committed: the lease runs from then. */
  private confirmPrimary(started: number): void {
    this.leaseUntil = started + primaryLeaseMs(this.o.intervals);
    this.leaseLossReported = false;
  }

  async tick(): Promise<NodeRole> {
    try {
      return await this.round();
    } finally {
      this.reportLeaseLoss();
    }
  }

  /** Tells once that a Primary stepped down because its heartbeats stopped succeeding (the table is unreachable or refusing). */
  private reportLeaseLoss(): void {
    if (this.held !== 'PRIMARY' || this.leaseUntil === Number.NEGATIVE_INFINITY || this.leaseHeld() || this.leaseLossReported || !this.state) return;
    this.leaseLossReported = true;
    this.o.onRoleChange?.('PRIMARY', 'SECONDARY', this.state);
  }

  private async round(): Promise<NodeRole> {
    const state = await this.o.store.get();
    // Timed after the read: a heartbeat seen here started before this instant (see primaryLeaseMs).
    const now = this.now();
    const { action, seen } = decide(state, this.o.nodeId, this.seen, now, this.o.intervals);
    this.seen = seen;
    let next = state;
    switch (action.kind) {
      case 'bootstrap': {
        const c = bootstrap(this.o.nodeId, this.o.nodeUrl, now);
        if (await this.o.store.create(c)) {
          next = c.state;
          this.confirmPrimary(now);
        } else next = await this.o.store.get();
        this.outboxDirty = true;
        break;
      }
      case 'join': {
        const c = join(state!, this.o.nodeId, this.o.nodeUrl, now);
        next = (await this.o.store.change(state!, c)) ? c.state : await this.o.store.get();
        this.outboxDirty = true;
        break;
      }
      case 'heartbeat': {
        const started = this.now();
        // A refused heartbeat means another node holds the role now: read who.
        if (await this.o.store.heartbeat(this.o.nodeId, state!.epoch, started)) this.confirmPrimary(started);
        else next = await this.o.store.get();
        break;
      }
      case 'takeover': {
        const c = changePrimary(state!, this.o.nodeId, state!.primary ? 'primary-absent' : 'no-primary', now);
        if (await this.o.store.change(state!, c, state!.heartbeatSeq)) {
          next = c.state;
          this.confirmPrimary(now);
        } else next = await this.o.store.get();
        this.outboxDirty = true;
        break;
      }
      case 'wait':
        // A Secondary's lastSeen must stay within allowed_absence for a manual failover to pick it:
        // touch only when waiting one more check could let it age past that, with half a check to spare
        // (local 1 s / 3 s: every 2 s, not every second; AWS 5 s / 15 s: every 10 s).
        if (now - this.touchedAt > this.o.intervals.allowedAbsenceMs - 1.5 * this.o.intervals.healthCheckMs) {
          await this.o.store.touch(this.o.nodeId, now);
          this.touchedAt = now;
        }
        break;
    }
    // Someone else changed roles (a manual failover on another node): their events may still wait.
    if (next && this.state && next.version !== this.state.version) this.outboxDirty = true;
    this.observe(next);
    if (this.outboxDirty) this.outboxDirty = (await flushOutbox(this.o.store.outbox, this.o.publisher, this.holder, this.now())).mayHaveMore;
    return this.role;
  }

  /**
   * Adopts a state read elsewhere (e.g. after an HTTP-triggered manual failover). Being named
   * Primary there gives no lease: this node acts as Primary from its first successful heartbeat.
   */
  observe(state: GroupState | undefined): void {
    const before = this.held;
    this.state = state;
    this.observedAt = this.now();
    this.held = roleOf(state, this.o.nodeId);
    if (before !== this.held && state) this.o.onRoleChange?.(before, this.held, state);
  }

  /** Ticks every health-report interval while Primary, every health-check interval otherwise. */
  async loop(keepGoing: () => boolean, onError: (err: unknown) => void = () => {}): Promise<number> {
    let ticks = 0;
    while (keepGoing()) {
      ticks++;
      const started = this.now();
      try {
        await this.tick();
      } catch (err) {
        onError(err);
      }
      const wait = this.nextTickAt(started) - this.now();
      if (wait > 0 && keepGoing()) await new Promise((r) => setTimeout(r, wait));
    }
    return ticks;
  }

  /**
   * When to tick next: a health-report interval after this tick while Primary; a health-check
   * interval while Secondary, or sooner, exactly when the Primary's allowed absence runs out, so a
   * takeover is not late by up to one check interval.
   */
  nextTickAt(started: number): number {
    if (this.role === 'PRIMARY') return started + this.o.intervals.healthReportMs;
    const check = started + this.o.intervals.healthCheckMs;
    return this.seen ? Math.min(check, this.seen.seenAt + this.o.intervals.allowedAbsenceMs + 1) : check;
  }

  /** Marks the outbox for a flush on the next tick (a manual failover wrote events through another path). */
  markOutbox(): void {
    this.outboxDirty = true;
  }
}
