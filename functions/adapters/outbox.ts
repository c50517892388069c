import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import type { PendingEvent } from '../events/domain/events.js';
import type { Key, Outbox } from '../events/ports.js';
export type { Key, Outbox };

/** Orders ids of the form `<prefix><version>-<index>`. */
export function sortEvents(events: PendingEvent[]): PendingEvent[] {
  const parts = (id: string) => (/(\d+)-(\d+)$/.exec(id) ?? ['', '0', '0']).slice(1).map(Number) as [number, number];
  return [...events].sort((a, b) => {
    const [av, ai] = parts(a.id);
    const [bv, bi] = parts(b.id);
    return av - bv || ai - bi;
  });
}

/** Adds `SET #outbox.#eN = :eN` clauses for new events to an update under construction. */
export function appendOutboxSets(events: PendingEvent[], sets: string[], names: Record<string, string>, values: Record<string, unknown>): void {
  if (events.length === 0) return;
  names['#outbox'] = 'outbox';
  events.forEach((e, i) => {
    names[`#e${i}`] = e.id;
    values[`:e${i}`] = e;
    sets.push(`#outbox.#e${i} = :e${i}`);
  });
}

export class ItemOutbox implements Outbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly key: Key,
    private readonly read: () => Promise<Record<string, PendingEvent> | undefined>,
  ) {}

  async pending(): Promise<PendingEvent[]> {
    return sortEvents(Object.values((await this.read()) ?? {}));
  }

  async lease(holder: string, now: number, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: 'SET outboxLease = :lease',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(outboxLease) OR outboxLease.#until < :now OR outboxLease.holder = :holder)',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':lease': { holder, until: now + leaseMs }, ':now': now, ':holder': holder },
        }),
      ),
    );
  }

  async remove(ids: string[], holder: string): Promise<void> {
    // DynamoDB refuses an expression over 4 KB (~280 ids in one REMOVE): remove in bounded chunks,
    // each still conditioned on the lease; the lease goes with the last chunk.
    const chunks = removeChunks(ids);
    for (const [c, chunk] of chunks.entries()) {
      const last = c === chunks.length - 1;
      const names: Record<string, string> = chunk.length ? { '#outbox': 'outbox' } : {};
      const removes = chunk.map((id, i) => {
        names[`#r${i}`] = id;
        return `#outbox.#r${i}`;
      });
      if (last) removes.push('outboxLease');
      const applied = await conditionally(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key,
            UpdateExpression: `REMOVE ${removes.join(', ')}`,
            ConditionExpression: 'outboxLease.holder = :holder',
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: { ':holder': holder },
          }),
        ),
      );
      if (!applied) return; // the lease was lost: its new holder publishes (and removes) the rest
    }
  }
}

/** DynamoDB's limit on one expression string, and a cap on its clauses (operator limit). */
export const MAX_EXPRESSION_BYTES = 4096;
const MAX_REMOVES_PER_WRITE = 100;

/**
 * Splits ids into chunks whose `REMOVE #outbox.#r0, ..., outboxLease` expression stays under the
 * limit, counting the expression's actual length. Always at least one (possibly empty) chunk,
 * so the lease is released.
 */
export function removeChunks(ids: string[]): string[][] {
  const head = 'REMOVE '.length + ', outboxLease'.length;
  let chunk: string[] = [];
  const chunks: string[][] = [chunk];
  let length = head;
  for (const id of ids) {
    const clause = `${chunk.length ? ', ' : ''}#outbox.#r${chunk.length}`.length;
    if (chunk.length >= MAX_REMOVES_PER_WRITE || length + clause > MAX_EXPRESSION_BYTES) {
      chunk = [];
      chunks.push(chunk);
      length = head;
    }
    length += `${chunk.length ? ', ' : ''}#outbox.#r${chunk.length}`.length; // recomputed: the chunk may be new
    chunk.push(id);
  }
  return chunks;
}
