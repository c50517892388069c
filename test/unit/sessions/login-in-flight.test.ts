import { beforeAll, describe, expect, it } from 'vitest';
import { IN_FLIGHT_LEASE_MS, throttleKeys } from '../../../functions/sessions/domain/login-backoff.js';
import { LoginThrottle, loginLimits, type Admission } from '../../../functions/sessions/login-throttle.js';
import { InMemoryThrottleStore } from '../../support/fakes/throttle-store.js';

/**
 * Counts of logins in flight, on the throttle's items in memory, with a clock the test moves: waiting for
 * a place advances it (no real waiting), so a full count is seen to hold an attempt until the wait
 * passes.
 */
let now = 1_000_000;
let throttle: LoginThrottle;
let patient: LoginThrottle;
const keys = (user: string, ip = '10.0.0.1') => throttleKeys(user, ip, 'gateway-svc');
const limits = { LOGIN_MAX_CONCURRENT: '2', LOGIN_MAX_FAILURES: '2', LOGIN_MAX_CONCURRENT_PER_IP: '5', LOGIN_QUEUE_WAIT_MS: '1000' };
const wrong = { knownRight: false };
const refusal = { admitted: false, retryAfterSeconds: 1, reason: 'too many logins in flight' };
const tick = () => new Promise((r) => setImmediate(r));

beforeAll(async () => {
  const store = new InMemoryThrottleStore();
  const clockSleep = async (ms: number) => {
    now += ms;
    await tick();
  };
  throttle = new LoginThrottle(store, loginLimits(limits), () => now, clockSleep);
  patient = new LoginThrottle(store, loginLimits({ ...limits, LOGIN_QUEUE_WAIT_MS: '600000' }), () => now, clockSleep);
});

describe('logins in flight', () => {
  it('at most LOGIN_MAX_CONCURRENT at once; the next waits for a place, and is refused with 1 s only once LOGIN_QUEUE_WAIT_MS has passed', async () => {
    const k = keys('dave');
    const a = await throttle.admit(k, wrong);
    const b = await throttle.admit(k, wrong);
    expect([a.admitted, b.admitted]).toEqual([true, true]);
    const before = now;
    expect(await throttle.admit(k, wrong)).toEqual(refusal);
    expect(now - before).toBeGreaterThanOrEqual(1000); // it waited (on the test's clock) before refusing
    await throttle.finished(k, a, 'other');
    const c = await throttle.admit(k, wrong);
    expect(c.admitted).toBe(true);
    await throttle.finished(k, b, 'success');
    await throttle.finished(k, c, 'success');
    expect((await throttle.admit(k, wrong)).admitted).toBe(true);
  });

  it('a waiting attempt takes the place given back by one that finished: a burst is served in turn, not refused', async () => {
    const k = keys('gina');
    const held = [await patient.admit(k, wrong), await patient.admit(k, wrong)];
    const waiting = [patient.admit(k, wrong), patient.admit(k, wrong)];
    for (let i = 0; i < 20; i++) await tick();
    await patient.finished(k, held[0]!, 'success');
    await patient.finished(k, held[1]!, 'success');
    const served = await Promise.all(waiting);
    expect(served.map((a) => a.admitted)).toEqual([true, true]);
    for (const a of served) await patient.finished(k, a, 'success');
  });

  it('a place leaked by a crashed attempt is forgotten after the lease, and its late release takes nothing from the new count', async () => {
    const k = keys('erin');
    const crashed = await throttle.admit(k, wrong);
    await throttle.admit(k, wrong); // also never finished
    now += IN_FLIGHT_LEASE_MS - 5000;
    expect((await throttle.admit(k, wrong)).admitted).toBe(false);
    now += 10_000;
    const x = await throttle.admit(k, wrong);
    const y = await throttle.admit(k, wrong);
    expect([x.admitted, y.admitted]).toEqual([true, true]);
    await throttle.finished(k, crashed, 'other'); // from the old count: ignored
    expect((await throttle.admit(k, wrong)).admitted).toBe(false);
  });

  it('wrong credentials drive the backoff, read with the place; a refusal by the backoff gives its place back', async () => {
    const k = keys('frank');
    for (let i = 0; i < 2; i++) await throttle.finished(k, await throttle.admit(k, wrong), 'wrong-credentials');
    expect(await throttle.admit(k, wrong)).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    now += 5_000; // past the backoff (1 s): both places are free again
    const a = await throttle.admit(k, wrong);
    const b = await throttle.admit(k, wrong);
    expect([a.admitted, b.admitted]).toEqual([true, true]);
  });

  it('a login known right takes no place, but waits and is refused exactly when a wrong one would be', async () => {
    const svc = keys('gateway-svc', '10.0.0.8');
    const held = [await throttle.admit(svc, wrong), await throttle.admit(svc, wrong)];
    expect(await throttle.admit(svc, wrong)).toEqual(refusal);
    expect(await throttle.admit(svc, { knownRight: true })).toEqual(refusal);
    await throttle.finished(svc, held[0]!, 'other');
    expect((await throttle.admit(svc, { knownRight: true })).admitted).toBe(true); // took no place:
    expect((await throttle.admit(svc, wrong)).admitted).toBe(true); // the freed one is still there
  });

  it('at most LOGIN_MAX_CONCURRENT_PER_IP logins of unknown clients from one address at once, whatever the usernames', async () => {
    const ip = '10.0.0.9';
    const held: Admission[] = [];
    for (let i = 0; i < 5; i++) held.push(await throttle.admit(keys(`user-${i}`, ip), wrong));
    expect(held.every((a) => a.admitted)).toBe(true);
    expect(await throttle.admit(keys('user-5', ip), wrong)).toEqual(refusal);
    expect(await throttle.admit(keys('gateway-svc', ip), { knownRight: true })).toEqual(refusal);
    expect((await throttle.admit(keys('user-5', '10.0.0.10'), wrong)).admitted).toBe(true); // another address
    await throttle.finished(keys('user-0', ip), held[0]!, 'other');
    expect((await throttle.admit(keys('user-5', ip), wrong)).admitted).toBe(true);
  });
});
