import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoThrottleStore } from '../../functions/adapters/throttle-store.js';
import { throttleKeys } from '../../functions/domain/login-backoff.js';
import { LoginThrottle, loginLimits } from '../../functions/sessions/login-throttle.js';
import { freshTable } from '../support/dynamo.js';

/**
 * A login of known-right credentials (the service user's) is decided on one consistent read of its
 * four throttle items: after a failover every client of the service user logs in at once, and each
 * DynamoDB request on that path is latency the held clients wait out.
 */
const limits = loginLimits({ LOGIN_MAX_CONCURRENT: '2', LOGIN_MAX_FAILURES: '2', LOGIN_MAX_CONCURRENT_PER_IP: '5' });
const keys = throttleKeys('gateway-svc', '10.0.0.1', 'gateway-svc');

describe('a login known right, on the real table', () => {
  let t: Awaited<ReturnType<typeof freshTable>>;
  let now = 1_000_000;
  beforeAll(async () => {
    t = await freshTable();
  });
  afterAll(async () => t?.close());

  it('is still refused by a blocked address counter and by a full count of the address in flight, and resets a username counter on success', async () => {
    const throttle = new LoginThrottle(new DynamoThrottleStore(t.db, t.tableName), limits, () => now);
    // Two wrong service passwords from this address: the username (per address) counter blocks.
    for (let i = 0; i < 2; i++) await throttle.finished(keys, await throttle.admit(keys, { knownRight: false }), 'wrong-credentials');
    expect(await throttle.admit(keys, { knownRight: true })).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    now += 60 * 60_000; // past the backoff, the counter still there
    const right = await throttle.admit(keys, { knownRight: true });
    expect(right).toEqual({ admitted: true, leases: {}, userCounter: true });
    await throttle.finished(keys, right, 'success');
    expect(await new DynamoThrottleStore(t.db, t.tableName).get(keys.user)).toBeUndefined();
    // Five wrong logins of other usernames in flight from the address: a right one is refused alike.
    const held = await Promise.all(Array.from({ length: 5 }, (_, i) => throttle.admit(throttleKeys(`u${i}`, '10.0.0.1', 'gateway-svc'), { knownRight: false })));
    expect(await throttle.admit(keys, { knownRight: true })).toMatchObject({ admitted: false, reason: 'too many logins in flight', retryAfterSeconds: 1 });
    await throttle.finished(throttleKeys('u0', '10.0.0.1', 'gateway-svc'), held[0]!, 'other');
    expect((await throttle.admit(keys, { knownRight: true })).admitted).toBe(true);
  });
});

describe('a login known right, counted at the client', () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const ddb = mockClient(db);
  afterEach(() => ddb.reset());
  const throttle = new LoginThrottle(new DynamoThrottleStore(db, 'gw'), limits);

  it('makes one consistent read and, with no counter to reset, no write', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [] } });
    const admission = await throttle.admit(keys, { knownRight: true });
    await throttle.finished(keys, admission, 'success');
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        gw: {
          ConsistentRead: true,
          Keys: expect.arrayContaining([
            { pk: keys.user, sk: 'LOGIN' },
            { pk: keys.ip, sk: 'IN_FLIGHT' },
          ]),
        },
      },
    });
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('asks again for keys DynamoDB left unprocessed, and fails loudly (never admits) when they stay so', async () => {
    const blocked = { pk: keys.ip, sk: 'LOGIN', failures: 50, windowStart: Date.now(), blockedUntil: Date.now() + 60_000 };
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [{ pk: keys.ip, sk: 'LOGIN' }] } } })
      .resolves({ Responses: { gw: [blocked] } });
    expect(await throttle.admit(keys, { knownRight: true })).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    ddb.reset();
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [{ pk: keys.ip, sk: 'LOGIN' }] } } });
    await expect(throttle.admit(keys, { knownRight: true })).rejects.toThrow(/unprocessed/);
  });
});
