import type { PendingEvent } from './domain/events.js';

/** Where committed events go: EventBridge in AWS, the local bus (same protocol) in local mode. */
export interface EventPublisher {
  /** Publishes what it can; answers the ids that were accepted. Never throws for per-entry failures. */
  publish(events: PendingEvent[]): Promise<{ published: string[]; failed: string[] }>;
}
