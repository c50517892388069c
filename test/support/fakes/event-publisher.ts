import type { PendingEvent } from '../../../functions/events/domain/events.js';
import type { EventPublisher } from '../../../functions/events/ports.js';

/** The bus in memory: what was published, in order; `failing` makes every publish throw (the bus unreachable). */
export class RecordingPublisher implements EventPublisher {
  readonly seen: PendingEvent[] = [];
  failing = false;

  async publish(events: PendingEvent[]) {
    if (this.failing) throw new Error('EventBridge unavailable');
    this.seen.push(...structuredClone(events));
    return { published: events.map((e) => e.id), failed: [] };
  }

  /** Node role events as `node:previous->new`. */
  roles(): string[] {
    return this.seen
      .filter((e) => e.detailType === 'NODE_ROLE_CHANGED')
      .map((e) => {
        const d = e.detail as { node: { id: string }; previous: string | null; new: string };
        return `${d.node.id}:${d.previous}->${d.new}`;
      });
  }
}
