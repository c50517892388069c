import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sweepExpired } from '../../functions/adapters/expired-items.js';
import { makeDocumentClient } from '../../functions/adapters/dynamo.js';
import { freshTable } from '../support/dynamo.js';

/** The MRSC table has no TTL: the sweeper removes what TTL would have, and nothing else. */
let t: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  t = await freshTable();
});
afterAll(async () => t?.close());

const now = 1_800_000_000;
const put = (pk: string, sk: string, ttl?: number) => t.db.send(new PutCommand({ TableName: t.tableName, Item: { pk, sk, ...(ttl === undefined ? {} : { ttl }) } }));
const exists = async (pk: string, sk: string) => Boolean((await t.db.send(new GetCommand({ TableName: t.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item);

describe('the expired-item sweeper (TTL for a table without it)', () => {
  it('deletes expired items only: live ones and items without a ttl (group, monitor state) stay', async () => {
    await put('SESSION#old', 'SESSION', now - 10);
    await put('THROTTLE#USER#x', 'LOGIN', now - 1);
    await put('SESSION#live', 'SESSION', now + 3600);
    await put('GROUP', 'STATE');
    await put('MONITOR', 'STATE');
    const r = await sweepExpired(t.db, t.tableName, now);
    expect(r).toMatchObject({ deleted: 2, complete: true });
    expect([await exists('SESSION#old', 'SESSION'), await exists('THROTTLE#USER#x', 'LOGIN')]).toEqual([false, false]);
    expect([await exists('SESSION#live', 'SESSION'), await exists('GROUP', 'STATE'), await exists('MONITOR', 'STATE')]).toEqual([true, true, true]);
    expect((await sweepExpired(t.db, t.tableName, now)).deleted).toBe(0);
  });

  it('keeps an item renewed between the scan and the delete (a session used again)', async () => {
    await put('SESSION#renewed', 'SESSION', now - 5);
    const db = makeDocumentClient(t.endpoint);
    // Just before the delete is sent, the session is used on the other node: its ttl moves on.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteItemCommand' || context.commandName === 'DeleteCommand') {
          await t.db.send(
            new UpdateCommand({
              TableName: t.tableName,
              Key: { pk: 'SESSION#renewed', sk: 'SESSION' },
              UpdateExpression: 'SET #ttl = :t',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: { ':t': now + 3600 },
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'renewBeforeDelete' },
    );
    const r = await sweepExpired(db, t.tableName, now);
    expect(r.deleted).toBe(0);
    expect(await exists('SESSION#renewed', 'SESSION')).toBe(true);
    db.destroy();
  });

  it('stops between pages when told, and says it did not finish', async () => {
    for (let i = 0; i < 30; i++) await put(`SESSION#bulk${i}`, 'SESSION', now - 1);
    const db = makeDocumentClient(t.endpoint);
    let pages = 0;
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (/Scan/.test(context.commandName ?? '')) {
          pages++;
          (args.input as { Limit?: number }).Limit = 5;
        }
        return next(args);
      },
      { step: 'initialize', name: 'smallPages' },
    );
    const r = await sweepExpired(db, t.tableName, now, () => pages < 2);
    expect(r.complete).toBe(false);
    expect(pages).toBe(2);
    expect((await sweepExpired(t.db, t.tableName, now)).complete).toBe(true);
    db.destroy();
  });
});
