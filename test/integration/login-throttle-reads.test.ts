import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoThrottleStore } from '../../functions/adapters/throttle-store.js';
import { IN_FLIGHT_LEASE_MS, throttleKeys } from '../../functions/sessions/domain/login-backoff.js';
import { LoginThrottle, loginLimits } from '../../functions/sessions/login-throttle.js';
import { freshTable } from '../support/dynamo.js';

/**
 * What a login costs in DynamoDB requests: after a failover every client of a user logs in at once,
 * and each request on that path is latency the clients wait out and load on the table.
 */
const limits = loginLimits({ LOGIN_MAX_CONCURRENT: '2', LOGIN_MAX_FAILURES: '2', LOGIN_MAX_CONCURRENT_PER_IP: '5', LOGIN_QUEUE_WAIT_MS: '0' });
const svc = throttleKeys('gateway-svc', '10.0.0.1', 'gateway-svc');

describe('on the real table', () => {
  let t: Awaited<ReturnType<typeof freshTable>>;
  let now = 1_000_000;
  beforeAll(async () => {
    t = await freshTable();
  });
  afterAll(async () => t?.close());

  it('a known-right service login is still refused by a blocked counter of its address, and a success clears it', async () => {
    const throttle = new LoginThrottle(new DynamoThrottleStore(t.db, t.tableName), limits, () => now);
    for (let i = 0; i < 2; i++) await throttle.finished(svc, await throttle.admit(svc, { knownRight: false }), 'wrong-credentials');
    expect(await throttle.admit(svc, { knownRight: true })).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    now += 60 * 60_000; // past the backoff, the counter still there
    const right = await throttle.admit(svc, { knownRight: true });
    expect(right).toMatchObject({ admitted: true, leases: {}, withCounter: [svc.pair] });
    await throttle.finished(svc, right, 'success');
    const store = new DynamoThrottleStore(t.db, t.tableName);
    expect((await store.get(svc.pair, now, IN_FLIGHT_LEASE_MS)).counter).toBeUndefined();
    // Known from here now: the next one is decided as a known client's.
    expect(await throttle.admit(svc, { knownRight: true })).toMatchObject({ admitted: true, trust: 'pair' });
  });
});

describe('counted at the client', () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const ddb = mockClient(db);
  afterEach(() => ddb.reset());
  // A throttle per test: each remembers what it read (see the last test).
  let throttle: LoginThrottle;
  beforeEach(() => {
    throttle = new LoginThrottle(new DynamoThrottleStore(db, 'gw'), limits);
  });
  const alice = throttleKeys('alice', '10.0.0.1', 'gateway-svc');
  // Marked known an hour ago (LOGIN_KNOWN_CLIENT_DAYS 30): not marked again before a day has passed.
  const known = { pk: alice.pair, sk: 'KNOWN', knownUntil: Date.now() + 30 * 86_400_000 - 3_600_000 };

  it('a known client: one consistent read, one write taking the place (with its counter), one giving it back', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [known] } });
    ddb.on(UpdateCommand).resolves({ Attributes: { leaseAt: 5, inflight: 1 } });
    const admission = await throttle.admit(alice, { knownRight: false });
    expect(admission).toMatchObject({ admitted: true, trust: 'pair', leases: { [alice.pair]: 5 } });
    await throttle.finished(alice, admission, 'success');
    expect(ddb.calls().map((c) => c.args[0].constructor.name)).toEqual(['BatchGetCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        gw: {
          ConsistentRead: true,
          Keys: expect.arrayContaining([
            { pk: alice.pair, sk: 'KNOWN' },
            { pk: alice.user, sk: 'LOGIN' },
            { pk: alice.ip, sk: 'LOGIN' },
          ]),
        },
      },
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand); // known for long enough: no new mark
  });

  it('the same known client again within a second, in the same process: its two writes and no read', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [known] } });
    ddb.on(UpdateCommand).resolves({ Attributes: { leaseAt: 5, inflight: 1 } });
    await throttle.finished(alice, await throttle.admit(alice, { knownRight: false }), 'success');
    ddb.resetHistory();
    const again = await throttle.admit(alice, { knownRight: false });
    expect(again).toMatchObject({ admitted: true, trust: 'pair' });
    await throttle.finished(alice, again, 'success');
    expect(ddb.calls().map((c) => c.args[0].constructor.name)).toEqual(['UpdateCommand', 'UpdateCommand']);
    // Its own counter, which alone may refuse it, comes with its place: blocked there, it is refused.
    ddb.reset();
    ddb.on(UpdateCommand).resolves({ Attributes: { leaseAt: 5, inflight: 1, failures: 9, windowStart: Date.now(), blockedUntil: Date.now() + 60_000 } });
    expect(await throttle.admit(alice, { knownRight: false })).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    expect(ddb).not.toHaveReceivedCommand(BatchGetCommand);
  });

  it('a known-right service login from a known address: one read and no write', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [{ ...known, pk: svc.pair }] } });
    const admission = await throttle.admit(svc, { knownRight: true });
    await throttle.finished(svc, admission, 'success');
    expect(ddb.calls()).toHaveLength(1);
  });

  it('asks again for keys DynamoDB left unprocessed, and fails loudly (never admits) when they stay so', async () => {
    const blocked = { pk: alice.ip, sk: 'LOGIN', failures: 50, windowStart: Date.now(), blockedUntil: Date.now() + 60_000 };
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [{ pk: alice.ip, sk: 'LOGIN' }] } } })
      .resolves({ Responses: { gw: [blocked] } });
    expect(await throttle.admit(alice, { knownRight: false })).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    ddb.reset();
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [{ pk: alice.ip, sk: 'LOGIN' }] } } });
    await expect(throttle.admit(alice, { knownRight: false })).rejects.toThrow(/unprocessed/);
  });
});
