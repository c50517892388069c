import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalEventBus } from '../../local/event-bus.js';
import { patterns } from '../../functions/events/domain/event-patterns.js';
import { InvalidEventError, parseGatewayEvent, subscriber } from '../../functions/events/subscriber.js';
import { lambdaContext } from '../../local/lambda-context.js';

let bus: LocalEventBus;
let client: EventBridgeClient;
const entry = (detailType: string, detail: unknown) => ({ Source: 'failover-gateway', DetailType: detailType, Detail: JSON.stringify(detail), EventBusName: 'local' });
const roleChange = (kind: string, id: string, next: string) => ({ node: { kind, id, url: null }, previous: null, new: next, epoch: 1, occurredAt: new Date(0).toISOString(), reason: 'test' });

beforeAll(async () => {
  bus = await new LocalEventBus({ retries: 2, backoffMs: 10 }).start();
  client = new EventBridgeClient({ endpoint: bus.endpoint, region: 'local', maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await bus.close();
});

describe('local bus: PutEvents over the EventBridge protocol', () => {
  it('accepts up to 10 entries and answers one result per entry, failures included', async () => {
    const res = await client.send(new PutEventsCommand({ Entries: [entry('MONITORING_STATE_CHANGED', { a: 1 }), { Source: 'failover-gateway', DetailType: 'X', Detail: '{not json' }] }));
    expect(res.FailedEntryCount).toBe(1);
    expect(res.Entries![0]!.EventId).toBeTruthy();
    expect(res.Entries![1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
  });

  it('refuses more than 10 entries, and more than 256 KB', async () => {
    await expect(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry('X', {})) }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(client.send(new PutEventsCommand({ Entries: [entry('X', { pad: 'x'.repeat(300 * 1024) })] }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it("keeps events in EventBridge's envelope", async () => {
    await client.send(new PutEventsCommand({ Entries: [entry('SPLIT_BRAIN_DETECTED', { servers: [] })] }));
    expect(bus.recent(1)[0]).toMatchObject({
      version: '0',
      id: expect.any(String),
      source: 'failover-gateway',
      'detail-type': 'SPLIT_BRAIN_DETECTED',
      time: expect.any(String),
      detail: { servers: [] },
    });
  });
});

describe('local bus: delivery to subscribers', () => {
  it('delivers matching events only, asynchronously, and records the delivery', async () => {
    const got: string[] = [];
    bus.subscribe('gateway-only', patterns.gatewayNodeRoleChanged, async (e) => void got.push((e.detail as { node: { id: string } }).node.id));
    bus.putEvents([entry('NODE_ROLE_CHANGED', roleChange('gateway', 'a', 'PRIMARY')), entry('NODE_ROLE_CHANGED', roleChange('address-manager', 'bam1', 'PRIMARY'))]);
    await bus.drain();
    expect(got).toEqual(['a']);
    const [gw, am] = bus.recent(2);
    expect(gw!.deliveries).toEqual([{ subscriber: 'gateway-only', status: 'delivered' }]);
    expect(am!.deliveries).toEqual([]);
  });

  it('retries a failing subscriber, and dead-letters the event when every retry fails', async () => {
    let calls = 0;
    bus.subscribe('flaky', patterns.addressManagerPromoted, async () => {
      if (++calls < 3) throw new Error('not yet');
    });
    bus.subscribe('broken', patterns.addressManagerPromoted, async () => {
      throw new Error('always down');
    });
    bus.putEvents([entry('NODE_ROLE_CHANGED', roleChange('address-manager', 'bam2', 'PRIMARY'))]);
    expect(bus.recent(1)[0]!.deliveries.map((d) => d.status)).toEqual(['retrying', 'retrying']);
    await bus.drain();
    expect(calls).toBe(3);
    expect(bus.recent(1)[0]!.deliveries).toEqual([
      { subscriber: 'flaky', status: 'delivered' },
      { subscriber: 'broken', status: 'dead-lettered' },
    ]);
    expect(bus.deadLetters.at(-1)).toMatchObject({ subscriber: 'broken', error: 'always down' });
  });
});

describe('subscriber helper', () => {
  const event = (detail: unknown, detailType = 'NODE_ROLE_CHANGED') => ({ id: 'e1', source: 'failover-gateway', 'detail-type': detailType, time: new Date().toISOString(), detail });

  it('validates the event and hands the typed detail to the callback', async () => {
    const seen: string[] = [];
    const handler = subscriber('NODE_ROLE_CHANGED', async (detail) => void seen.push(`${detail.node.kind}/${detail.node.id}:${detail.new}`));
    await handler(event(roleChange('gateway', 'b', 'PRIMARY')), lambdaContext('sub', 1000));
    expect(seen).toEqual(['gateway/b:PRIMARY']);
  });

  it.each([
    ['another detail-type', event(roleChange('gateway', 'b', 'PRIMARY'), 'MONITORING_STATE_CHANGED')],
    ['an unknown role', event(roleChange('gateway', 'b', 'BOSS'))],
    ['a missing node', event({ previous: null, new: 'PRIMARY', epoch: 1, occurredAt: new Date().toISOString(), reason: 'x' })],
    ['another source', { ...event(roleChange('gateway', 'b', 'PRIMARY')), source: 'someone-else' }],
  ])('refuses %s before the callback runs', async (_, bad) => {
    let called = false;
    const handler = subscriber('NODE_ROLE_CHANGED', async () => void (called = true));
    await expect(handler(bad, lambdaContext('sub', 1000))).rejects.toBeInstanceOf(InvalidEventError);
    expect(called).toBe(false);
    expect(() => parseGatewayEvent('NODE_ROLE_CHANGED', bad)).toThrow(/not a valid NODE_ROLE_CHANGED/);
  });
});
