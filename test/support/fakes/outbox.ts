import type { PendingEvent } from '../../../functions/events/domain/events.js';
import type { Outbox } from '../../../functions/events/ports.js';
import { sortEvents } from '../../../functions/adapters/outbox.js';

/**
 * An outbox in memory, with the item outbox's rules: events added by the writes that commit them,
 * published under a lease, removed by the lease holder only (the lease goes with the removal).
 * `exists` says whether the item holding it exists (a lease needs one).
 */
export class InMemoryOutbox implements Outbox {
  readonly events = new Map<string, PendingEvent>();
  private held?: { holder: string; until: number };

  constructor(private readonly exists: () => boolean = () => true) {}

  add(events: PendingEvent[]): void {
    for (const e of events) this.events.set(e.id, structuredClone(e));
  }

  async pending(): Promise<PendingEvent[]> {
    return sortEvents([...this.events.values()].map((e) => structuredClone(e)));
  }

  async lease(holder: string, now: number, leaseMs: number): Promise<boolean> {
    if (!this.exists()) return false;
    if (this.held && this.held.until >= now && this.held.holder !== holder) return false;
    this.held = { holder, until: now + leaseMs };
    return true;
  }

  async remove(ids: string[], holder: string): Promise<void> {
    if (this.held?.holder !== holder) return;
    for (const id of ids) this.events.delete(id);
    this.held = undefined;
  }
}
