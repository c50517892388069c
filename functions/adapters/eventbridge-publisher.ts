import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type PendingEvent } from '../events/domain/events.js';
import type { EventPublisher } from '../events/ports.js';

/**
 * EventBridge publisher. PutEvents takes at most 10 entries and can fail per entry, so events go
 * in chunks of 10 and only the failed entries are sent again (a few attempts with backoff).
 * What still fails stays in the caller's outbox for the next run: nothing is lost.
 * The SDK reads AWS_ENDPOINT_URL_EVENTBRIDGE itself: it points the client at the local bus, which
 * speaks the same protocol.
 */
export const eventBridgeClient = new EventBridgeClient({ maxAttempts: 2 });

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = eventBridgeClient,
    private readonly attempts = 3,
    private readonly backoffMs = 50,
  ) {}

  async publish(events: PendingEvent[]): Promise<{ published: string[]; failed: string[] }> {
    const published: string[] = [];
    let pending = events;
    for (let attempt = 0; attempt < this.attempts && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** attempt));
      const retry: PendingEvent[] = [];
      for (let i = 0; i < pending.length; i += 10) {
        const chunk = pending.slice(i, i + 10);
        try {
          const res = await this.client.send(new PutEventsCommand({ Entries: chunk.map((e) => this.entry(e)) }));
          for (const [j, e] of chunk.entries()) {
            if (res.Entries?.[j]?.EventId && !res.Entries[j]?.ErrorCode) published.push(e.id);
            else retry.push(e);
          }
        } catch {
          retry.push(...chunk); // the whole call failed (throttled, network): try the chunk again
        }
      }
      pending = retry;
    }
    return { published, failed: pending.map((e) => e.id) };
  }

  private entry(e: PendingEvent): PutEventsRequestEntry {
    return { EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: e.detailType, Detail: JSON.stringify({ ...e.detail, eventId: e.id }) };
  }
}
