import type { Outbox } from './ports.js';
import type { EventPublisher } from './ports.js';

const LEASE_MS = 15_000;

/**
 * Publishes an outbox: takes the lease, publishes what waits, removes what was accepted. Answers
 * whether anything may still be waiting (failures, or another holder's lease): then flush again
 * later; and how many events are left, as far as this publisher knows.
 */
export async function flushOutbox(outbox: Outbox, publisher: EventPublisher, holder: string, now: number): Promise<{ published: number; mayHaveMore: boolean; left: number }> {
  const waiting = (await outbox.pending()).length;
  if (waiting === 0) return { published: 0, mayHaveMore: false, left: 0 };
  if (!(await outbox.lease(holder, now, LEASE_MS))) return { published: 0, mayHaveMore: true, left: waiting };
  // Read again under the lease: what another publisher removed before we took it must not go out twice.
  const pending = await outbox.pending();
  if (pending.length === 0) {
    await outbox.remove([], holder);
    return { published: 0, mayHaveMore: false, left: 0 };
  }
  const { published, failed } = await publisher.publish(pending);
  await outbox.remove(published, holder);
  return { published: published.length, mayHaveMore: failed.length > 0, left: failed.length };
}
