import type { PendingEvent } from '../../../functions/events/domain/events.js';
import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import type { MonitorStore, StoredMonitor } from '../../../functions/monitor/ports.js';
import { InMemoryServiceSessions } from './service-sessions.js';
import { InMemoryOutbox } from './outbox.js';

/**
 * The monitor's state item in memory, with the adapter's rules: a state is written only over the
 * version before it (the first only when none is stored), its events join the outbox in the same
 * write; reads and writes copy, as a table does. Each epoch's service session is kept beside it,
 * claimed and completed under the adapter's conditions.
 */
export class InMemoryMonitorStore extends InMemoryServiceSessions implements MonitorStore {
  /** The stored state, as a test inspects it (undefined: nothing written yet). */
  stored?: MonitorState;
  readonly outbox = new InMemoryOutbox(() => this.stored !== undefined);

  async get(): Promise<StoredMonitor | undefined> {
    if (!this.stored) return undefined;
    return { state: structuredClone(this.stored), outbox: await this.outbox.pending() };
  }

  async commit(next: MonitorState, events: PendingEvent[]): Promise<boolean> {
    if ((this.stored?.version ?? 0) !== next.version - 1) return false;
    this.stored = structuredClone(next);
    this.outbox.add(events);
    return true;
  }
}
