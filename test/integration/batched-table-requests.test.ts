import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReadBatcher } from '../../functions/adapters/read-batcher.js';
import { DynamoSessionStore } from '../../functions/adapters/session-store.js';
import type { SessionRecord } from '../../functions/sessions/ports.js';
import { DynamoThrottleStore } from '../../functions/adapters/throttle-store.js';
import { IN_FLIGHT_LEASE_MS } from '../../functions/sessions/domain/login-backoff.js';
import { freshTable } from '../support/dynamo.js';

/**
 * Requests the gateway makes together go to the table together: reads a login issues at once are
 * one BatchGetItem, and places in flight given back in the same turn are one write. What a login
 * costs the gateway's CPU is mostly its requests to the table (docs/benchmarks.md, bench:logins).
 */
describe('on the real table', () => {
  let t: Awaited<ReturnType<typeof freshTable>>;
  const sent: string[] = [];
  beforeAll(async () => {
    t = await freshTable();
    t.db.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    await t.db.send(new PutCommand({ TableName: t.tableName, Item: { pk: 'A', sk: 'X', v: 1 } }));
    await t.db.send(new PutCommand({ TableName: t.tableName, Item: { pk: 'B', sk: 'X', v: 2 } }));
  });
  afterAll(async () => t?.close());
  beforeEach(() => void sent.splice(0));

  it('reads issued together are one BatchGetItem, each answered its own item (or nothing), the same key read once', async () => {
    const reads = new ReadBatcher(t.db);
    const [a, b, missing, again] = await Promise.all([
      reads.get(t.tableName, { pk: 'A', sk: 'X' }),
      reads.get(t.tableName, { pk: 'B', sk: 'X' }),
      reads.get(t.tableName, { pk: 'C', sk: 'X' }),
      reads.get(t.tableName, { pk: 'A', sk: 'X' }),
    ]);
    expect([a?.v, b?.v, missing, again?.v]).toEqual([1, 2, undefined, 1]);
    expect(sent).toEqual(['BatchGetItem']);
  });

  it('session reads of requests that arrive in the same turn (separate callbacks, no shared await) are one BatchGetItem', async () => {
    const sessions = new DynamoSessionStore(t.db, t.tableName);
    const record = (tokenHash: string) => ({ tokenHash, sessionId: tokenHash, username: 'u', target: 'primary-address-manager', createdAt: 1, lastSeenAt: 1, expiresAt: Date.now() + 60_000 });
    await Promise.all(['h1', 'h2', 'h3'].map((h) => sessions.create(record(h) as unknown as SessionRecord)));
    sent.splice(0);
    // As three HTTP requests that arrived together: each read in its own callback, whose microtasks run before the next one.
    const reads = await new Promise<(SessionRecord | undefined)[]>((resolve) => {
      const out: Promise<SessionRecord | undefined>[] = [];
      for (const h of ['h1', 'h2', 'h3']) setImmediate(() => out.push(sessions.get(h)));
      setImmediate(() => resolve(Promise.all(out)));
    });
    expect(reads.map((r) => r?.sessionId)).toEqual(['h1', 'h2', 'h3']);
    expect(sent).toEqual(['BatchGetItem']);
  });

  it('a lone read is a GetItem, and a read after a write sees it', async () => {
    const reads = new ReadBatcher(t.db);
    await t.db.send(new PutCommand({ TableName: t.tableName, Item: { pk: 'A', sk: 'X', v: 3 } }));
    expect((await reads.get(t.tableName, { pk: 'A', sk: 'X' }))?.v).toBe(3);
    expect(sent).toEqual(['PutItem', 'GetItem']);
  });

  it('places given back in the same turn are one write, and the count in flight ends right', async () => {
    const store = new DynamoThrottleStore(t.db, t.tableName);
    const now = Date.now();
    const places = await Promise.all(Array.from({ length: 5 }, () => store.acquire('THROTTLE#X', 10, now, IN_FLIGHT_LEASE_MS)));
    const lease = places[0]!.lease;
    expect(places.every((p) => p?.lease === lease)).toBe(true);
    sent.splice(0);
    const left = await Promise.all(places.slice(0, 4).map(() => store.release('THROTTLE#X', lease)));
    expect(left).toEqual([1, 1, 1, 1]);
    expect(sent).toEqual(['UpdateItem']);
    expect((await store.get('THROTTLE#X', Date.now(), IN_FLIGHT_LEASE_MS)).inFlight).toBe(1);
  });

  it('places of a count that started over meanwhile are not given back to the new count', async () => {
    const store = new DynamoThrottleStore(t.db, t.tableName);
    const old = await store.acquire('THROTTLE#Y', 10, Date.now(), IN_FLIGHT_LEASE_MS);
    // The lease ran out: the next place starts the count over.
    const fresh = await store.acquire('THROTTLE#Y', 10, Date.now() + IN_FLIGHT_LEASE_MS + 1, IN_FLIGHT_LEASE_MS);
    expect(fresh!.lease).not.toBe(old!.lease);
    expect(await Promise.all([store.release('THROTTLE#Y', old!.lease), store.release('THROTTLE#Y', old!.lease)])).toEqual([undefined, undefined]);
    expect((await store.get('THROTTLE#Y', Date.now() + IN_FLIGHT_LEASE_MS + 2, IN_FLIGHT_LEASE_MS)).inFlight).toBe(1);
  });
});

describe('counted at the client', () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const ddb = mockClient(db);
  afterEach(() => ddb.reset());

  it('keys DynamoDB leaves unprocessed are asked again, then read one by one', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { gw: [{ pk: 'A', sk: 'X', v: 1 }] }, UnprocessedKeys: { gw: { Keys: [{ pk: 'B', sk: 'X' }] } } })
      .resolves({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [{ pk: 'B', sk: 'X' }] } } });
    ddb.on(GetCommand).resolves({ Item: { pk: 'B', sk: 'X', v: 2 } });
    const reads = new ReadBatcher(db);
    const [a, b] = await Promise.all([reads.get('gw', { pk: 'A', sk: 'X' }), reads.get('gw', { pk: 'B', sk: 'X' })]);
    expect([a?.v, b?.v]).toEqual([1, 2]);
    expect(ddb.commandCalls(BatchGetCommand).length).toBe(4); // the first, then three retries of B
    expect(ddb.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems).toEqual({ gw: { Keys: [{ pk: 'B', sk: 'X' }], ConsistentRead: true } });
    expect(ddb.commandCalls(GetCommand).length).toBe(1);
  });

  it('a batch that fails as a whole is read again one read at a time: a failure fails only its own read', async () => {
    ddb.on(BatchGetCommand).rejects(new Error('throttled'));
    ddb.on(GetCommand).resolves({});
    ddb.on(GetCommand, { Key: { pk: 'A', sk: 'X' } }).resolves({ Item: { pk: 'A', sk: 'X', v: 1 } });
    ddb.on(GetCommand, { Key: { pk: 'B', sk: 'X' } }).rejects(new Error('throttled again'));
    const reads = new ReadBatcher(db);
    const results = await Promise.allSettled([reads.get('gw', { pk: 'A', sk: 'X' }), reads.get('gw', { pk: 'B', sk: 'X' }), reads.get('gw', { pk: 'C', sk: 'X' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ value: { v: 1 } });
    expect(results[2]).toMatchObject({ value: undefined });
    expect(ddb.commandCalls(GetCommand).length).toBe(3);
  });

  it('a give-back the table refuses as a group (fewer counted) is retried one place at a time', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(Object.assign(new Error('cond'), { name: 'ConditionalCheckFailedException' }))
      .resolves({ Attributes: { inflight: 0 } });
    const store = new DynamoThrottleStore(db, 'gw');
    await Promise.all([store.release('P', 7), store.release('P', 7)]);
    const calls = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':minus']);
    expect(calls).toEqual([-2, -1, -1]);
  });

  it("a group give-back refused on the SDK's retry is not given back again one by one: the first attempt may have applied", async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('cond'), { name: 'ConditionalCheckFailedException', $metadata: { attempts: 2 } }));
    const store = new DynamoThrottleStore(db, 'gw');
    expect(await Promise.all([store.release('P', 7), store.release('P', 7)])).toEqual([undefined, undefined]);
    expect(ddb.commandCalls(UpdateCommand).length).toBe(1);
  });

  it('the same item is one key in the batch, whatever the order of its key attributes', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [{ pk: 'A', sk: 'X', v: 1 }] } });
    const reads = new ReadBatcher(db);
    const [a, b, c] = await Promise.all([reads.get('gw', { pk: 'A', sk: 'X' }), reads.get('gw', { sk: 'X', pk: 'A' }), reads.get('gw', { pk: 'B', sk: 'X' })]);
    expect([a?.v, b?.v, c]).toEqual([1, 1, undefined]);
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems?.gw?.Keys).toHaveLength(2);
  });
});
