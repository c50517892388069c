import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoThrottleStore } from '../../functions/adapters/throttle-store.js';
import { IN_FLIGHT_LEASE_MS, throttleKeys } from '../../functions/domain/login-backoff.js';
import { LoginThrottle, loginLimits } from '../../functions/sessions/login-throttle.js';
import { freshTable } from '../support/dynamo.js';

/** The in-flight count of a username's logins, on a real table (dynalite), with a clock the test moves. */
let table: Awaited<ReturnType<typeof freshTable>>;
let now = 1_000_000;
let throttle: LoginThrottle;
const keys = (user: string, ip = '10.0.0.1') => throttleKeys(user, ip, 'gateway-svc');

beforeAll(async () => {
  table = await freshTable();
  const limits = loginLimits({ LOGIN_MAX_CONCURRENT: '2', LOGIN_MAX_FAILURES: '2', LOGIN_MAX_CONCURRENT_PER_IP: '5' });
  throttle = new LoginThrottle(new DynamoThrottleStore(table.db, table.tableName), limits, () => now);
});
afterAll(async () => table?.close());

describe('logins of one username in flight', () => {
  it('at most LOGIN_MAX_CONCURRENT at once, refused with 1 s; a place is given back whatever the outcome', async () => {
    const k = keys('dave');
    const a = await throttle.admit(k, { knownRight: false });
    const b = await throttle.admit(k, { knownRight: false });
    expect([a.admitted, b.admitted]).toEqual([true, true]);
    expect(await throttle.admit(k, { knownRight: false })).toEqual({ admitted: false, retryAfterSeconds: 1, reason: 'too many logins in flight' });
    await throttle.finished(k, a, 'other');
    const c = await throttle.admit(k, { knownRight: false });
    expect(c.admitted).toBe(true);
    await throttle.finished(k, b, 'success');
    await throttle.finished(k, c, 'success');
    expect((await throttle.admit(k, { knownRight: false })).admitted).toBe(true);
  });

  it('a place leaked by a crashed attempt is forgotten after the lease, and its late release takes nothing from the new count', async () => {
    const k = keys('erin');
    const crashed = await throttle.admit(k, { knownRight: false });
    await throttle.admit(k, { knownRight: false }); // also never finished
    now += IN_FLIGHT_LEASE_MS - 1000;
    expect((await throttle.admit(k, { knownRight: false })).admitted).toBe(false);
    now += 2000;
    const x = await throttle.admit(k, { knownRight: false });
    const y = await throttle.admit(k, { knownRight: false });
    expect([x.admitted, y.admitted]).toEqual([true, true]);
    await throttle.finished(k, crashed, 'other'); // from the old count: ignored
    expect((await throttle.admit(k, { knownRight: false })).admitted).toBe(false);
  });

  it('wrong credentials drive the backoff; a refusal by the backoff gives its place back', async () => {
    const k = keys('frank');
    for (let i = 0; i < 2; i++) await throttle.finished(k, await throttle.admit(k, { knownRight: false }), 'wrong-credentials');
    const refused = await throttle.admit(k, { knownRight: false });
    expect(refused).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    now += 5_000; // past the backoff (1 s), within the lease: both places are free again
    const a = await throttle.admit(k, { knownRight: false });
    const b = await throttle.admit(k, { knownRight: false });
    expect([a.admitted, b.admitted]).toEqual([true, true]);
  });

  it("a login known right takes no place, but is refused whenever the username's count is full, as a wrong one is", async () => {
    const svc = keys('gateway-svc', '10.0.0.8');
    const held = [await throttle.admit(svc, { knownRight: false }), await throttle.admit(svc, { knownRight: false })];
    const refusal = { admitted: false, retryAfterSeconds: 1, reason: 'too many logins in flight' };
    expect(await throttle.admit(svc, { knownRight: false })).toEqual(refusal);
    expect(await throttle.admit(svc, { knownRight: true })).toEqual(refusal);
    await throttle.finished(svc, held[0]!, 'other');
    expect((await throttle.admit(svc, { knownRight: true })).admitted).toBe(true); // took no place:
    expect((await throttle.admit(svc, { knownRight: false })).admitted).toBe(true); // the freed one is still there
  });

  it('at most LOGIN_MAX_CONCURRENT_PER_IP logins from one address at once, whatever the usernames; a right one is refused alike', async () => {
    const ip = '10.0.0.9';
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await throttle.admit(keys(`user-${i}`, ip), { knownRight: false }));
    expect(held.every((a) => a.admitted)).toBe(true);
    const refusal = { admitted: false, retryAfterSeconds: 1, reason: 'too many logins in flight' };
    expect(await throttle.admit(keys('user-5', ip), { knownRight: false })).toEqual(refusal);
    expect(await throttle.admit(keys('gateway-svc', ip), { knownRight: true })).toEqual(refusal);
    expect((await throttle.admit(keys('user-5', '10.0.0.10'), { knownRight: false })).admitted).toBe(true); // another address
    await throttle.finished(keys('user-0', ip), held[0]!, 'other');
    expect((await throttle.admit(keys('user-5', ip), { knownRight: false })).admitted).toBe(true);
  });
});
