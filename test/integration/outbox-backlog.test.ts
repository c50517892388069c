import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { MAX_EXPRESSION_BYTES } from '../../functions/adapters/outbox.js';
import { flushOutbox } from '../../functions/events/outbox-flusher.js';
import type { EventPublisher } from '../../functions/events/ports.js';
import type { PendingEvent } from '../../functions/events/domain/events.js';
import { freshTable } from '../support/dynamo.js';

let t: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  t = await freshTable();
  // dynalite accepts any expression length; DynamoDB (and DynamoDB Local) refuse one over 4 KB.
  // Enforce that limit here the way DynamoDB answers it, so this test holds on dynalite too.
  t.db.middlewareStack.add(
    (next) => async (args) => {
      const expression = (args.input as { UpdateExpression?: string }).UpdateExpression ?? '';
      if (Buffer.byteLength(expression) > MAX_EXPRESSION_BYTES) {
        throw Object.assign(new Error('Invalid UpdateExpression: Expression size has exceeded the maximum allowed size'), { name: 'ValidationException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'dynamodbExpressionLimit' },
  );
});
afterAll(async () => t.close());

class AcceptingPublisher implements EventPublisher {
  readonly seen: string[] = [];
  async publish(events: PendingEvent[]) {
    this.seen.push(...events.map((e) => e.id));
    return { published: events.map((e) => e.id), failed: [] };
  }
}

const event = (version: number): PendingEvent => ({
  id: `m${version}-0`,
  detailType: 'MONITORING_STATE_CHANGED',
  detail: { previous: 'MONITORING', new: 'FAILOVER_IN_PROGRESS', primaryUrl: null, epoch: version, occurredAt: '2024-01-01T00:00:00.000Z' },
});

describe('an outbox backlog', () => {
  it('of 1,000 events is published once and cleared by one flush', async () => {
    const backlog = Array.from({ length: 1000 }, (_, i) => event(i + 1));
    await t.db.send(
      new PutCommand({
        TableName: t.tableName,
        Item: { pk: 'MONITOR', sk: 'STATE', type: 'monitor', version: 1000, state: { version: 1000 }, outbox: Object.fromEntries(backlog.map((e) => [e.id, e])) },
      }),
    );
    const store = new DynamoMonitorStore(t.db, t.tableName);
    const bus = new AcceptingPublisher();

    const result = await flushOutbox(store.outbox, bus, 'monitor-a', Date.now());

    expect(result).toEqual({ published: 1000, mayHaveMore: false, left: 0 });
    expect(await store.outbox.pending()).toEqual([]);
    // The lease is released: another publisher can flush at once.
    expect(await store.outbox.lease('monitor-b', Date.now(), 1000)).toBe(true);
    // A second flush finds nothing to republish.
    await store.outbox.remove([], 'monitor-b');
    expect(await flushOutbox(store.outbox, bus, 'monitor-a', Date.now())).toEqual({ published: 0, mayHaveMore: false, left: 0 });
    expect(bus.seen).toHaveLength(1000);
  });
});
