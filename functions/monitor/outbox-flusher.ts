import type { Outbox } from '../adapters/outbox.js';
import type { EventPublisher } from './publisher.js';

const LEASE_MS = 15_000;

/**
 * Publishes an outbox: takes the lease, publishes what waits, removes what was accepted. Answers
 * whether anything may still be waiting (failures, or another holder's lease): then flush again later.
 */
export async function flushOutbox(outbox: Outbox, publisher: EventPublisher, holder: string, now: number): Promise<{ published: number; mayHaveMore: boolean }> {
  if ((await outbox.pending()).length === 0) return { published: 0, mayHaveMore: false };
  if (!(await outbox.lease(holder, now, LEASE_MS))) return { published: 0, mayHaveMore: true };
  // Read again under the lease: what another publisher removed before we took it must not go out twice.
  const pending = await outbox.pending();
  if (pending.length === 0) {
    await outbox.remove([], holder);
    return { published: 0, mayHaveMore: false };
  }
  const { published, failed } = await publisher.publish(pending);
  await outbox.remove(published, holder);
  return { published: published.length, mayHaveMore: failed.length > 0 };
}
