import { flushOutbox } from '../events/outbox-flusher.js';
import type { EventPublisher } from '../events/ports.js';
import type { MonitorStore, StoredMonitor } from './ports.js';

/**
 * The monitor's side of the outbox: remembers whether events may be waiting in the state item
 * (this monitor's own, or those another process committed) and publishes them under the lease.
 */
export class MonitorOutbox {
  /** Whether the outbox may hold events: true at start (a crashed run may have left some), after new events, after failures. */
  private dirty = true;

  /**
   * Events this monitor last saw waiting in the outbox after publishing. It lives in the state
   * item, which DynamoDB caps at 400 KB: a backlog that keeps growing means publishing is broken
   * (alarm OutboxBacklog), and must be fixed before the item fills.
   */
  backlog = 0;

  constructor(
    private readonly store: MonitorStore,
    private readonly publisher: EventPublisher,
    /** false: this process never publishes (see MonitorOptions.publishes). */
    private readonly publishes: boolean,
    private readonly holder: string,
    private readonly now: () => number,
  ) {}

  /** Events were committed (or may wait): the next flush publishes them. */
  mark(): void {
    this.dirty = true;
  }

  /** A state read from the store: events waiting in its outbox (another process's round committed them) mark it for a flush. */
  saw(stored: StoredMonitor | undefined): void {
    if (stored?.outbox.length) this.dirty = true;
  }

  /** Publishes only if events may be waiting. */
  async flushIfMarked(): Promise<void> {
    if (this.dirty) await this.flush();
  }

  /** Publishes what waits in the outbox (this round's events and any a failed run left behind). */
  async flush(): Promise<number> {
    if (!this.publishes) return 0;
    const { published, mayHaveMore, left } = await flushOutbox(this.store.outbox, this.publisher, this.holder, this.now());
    this.dirty = mayHaveMore;
    this.backlog = left;
    return published;
  }
}
