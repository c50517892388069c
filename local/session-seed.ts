import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord } from '../functions/sessions/domain/session-record.js';

export type SeedSession = SessionRecord;
type Put = { PutRequest: { Item: Record<string, unknown> } };

/**
 * Writes session items as the session store does (same attributes and sizes, a ciphertext-sized
 * credential) in batches of 25 (the i-th of a group expires i ms after the group's `expiresAt`), a few batches at once: `groups` is [how many, what differs].
 * For session-count tests and the bench.
 */
export async function seedSessions(write: (batch: Put[]) => Promise<{ UnprocessedItems?: Record<string, unknown[]> }>, groups: [number, Partial<SeedSession>][]): Promise<number> {
  const items: Record<string, unknown>[] = [];
  let n = 0;
  for (const [count, over] of groups) {
    for (let i = 0; i < count; i++, n++) {
      const tokenHash = createHash('sha256').update(`seed-${n}-${Math.random()}`).digest('hex');
      const s: SessionRecord = {
        tokenHash,
        sessionId: randomBytes(12).toString('base64url'),
        username: `user${n % 500}`,
        target: 'primary-address-manager',
        boundServer: 'bam1',
        credential: randomBytes(180).toString('base64'),
        sharedCredential: false,
        restorable: false,
        epoch: 1,
        serverIncarnation: 0,
        createdAt: Date.now(),
        lastSeenAt: Date.now(),
        ...over,
        // Sessions made at different moments: distinct expiries, `i` ms apart from the group's. (dynalite
        // loses items that tie on an index sort key across a page boundary; DynamoDB orders ties by the table key.)
        expiresAt: (over.expiresAt ?? Date.now() + 3_600_000) + i,
      };
      items.push({ pk: `SESSION#${tokenHash}`, sk: 'SESSION', type: 'session', ...s, sessionUser: s.username.toLowerCase(), ttl: Math.ceil(s.expiresAt / 1000) });
    }
  }
  const batches: Put[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
  const worker = async () => {
    for (let b = batches.pop(); b; b = batches.pop()) {
      let pending = b;
      // A batch may come back partly unprocessed under load: write the rest again.
      while (pending.length) {
        const left = (await write(pending)).UnprocessedItems ?? {};
        pending = (Object.values(left)[0] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return items.length;
}
