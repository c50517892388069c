import { describe, expect, it } from 'vitest';
import { afterFailure, blockedFor, throttleKeys, type Counter } from '../../functions/sessions/domain/login-backoff.js';

const policy = { maxFailures: 3, windowMs: 60_000, baseDelayMs: 1000, maxDelayMs: 8000 };

/** Counts `n` failures at `now`. */
function fail(n: number, now: number, from?: Counter): Counter {
  let c = from;
  for (let i = 0; i < n; i++) c = afterFailure(c, now, policy);
  return c!;
}

describe('login backoff', () => {
  it('does not block below maxFailures failures, then each further failure blocks twice as long, up to the cap', () => {
    expect(blockedFor(fail(2, 0), 0, policy)).toBe(0);
    let c = fail(3, 0);
    expect(blockedFor(c, 500, policy)).toBe(500);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const now = c.blockedUntil;
      expect(blockedFor(c, now, policy)).toBe(0);
      c = afterFailure(c, now, policy);
      delays.push(blockedFor(c, now, policy));
    }
    expect(delays).toEqual([2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('a failure counted late never shortens a block already set', () => {
    const c = fail(4, 0); // blocked until 2000
    expect(afterFailure({ ...c, failures: 2 }, 100, policy).blockedUntil).toBe(2000);
  });

  it('forgets a window that never blocked once it has passed', () => {
    const c = fail(2, 0);
    expect(afterFailure(c, 59_999, policy).failures).toBe(3);
    expect(afterFailure(c, 60_000, policy)).toEqual({ failures: 1, windowStart: 60_000, blockedUntil: 0 });
  });

  it('forgets a counter that blocked only a whole window after its block ended: guessing on keeps the longest delay', () => {
    const c = fail(3, 0); // blocked until 1000
    expect(blockedFor(c, 60_000, policy)).toBe(0);
    expect(afterFailure(c, 60_999, policy).failures).toBe(4);
    expect(afterFailure(c, 61_000, policy)).toEqual({ failures: 1, windowStart: 61_000, blockedUntil: 0 });
    let k = c;
    let t = 0;
    for (let i = 0; i < 50; i++) {
      t = Math.max(t + 5_000, k.blockedUntil); // one guess as soon as it may, at most every 5 s
      k = afterFailure(k, t, policy);
    }
    expect(blockedFor(k, t, policy)).toBe(8000); // still at the cap, never started over
  });

  it('keys: usernames hashed and case-folded; the username, the username from this address, the address, a device', () => {
    const a = throttleKeys('Alice', '10.0.0.1', 'gateway-svc');
    expect(a).toEqual({
      user: expect.stringMatching(/^THROTTLE#USER#[0-9a-f]{64}$/),
      pair: expect.stringMatching(/^THROTTLE#USER#[0-9a-f]{64}#IP#10\.0\.0\.1$/),
      ip: 'THROTTLE#IP#10.0.0.1',
      service: false,
    });
    expect(a.pair.startsWith(`${a.user}#IP#`)).toBe(true);
    expect(throttleKeys('alice', '10.0.0.2', 'gateway-svc').user).toBe(a.user);
    expect(throttleKeys('alice', '10.0.0.2', 'gateway-svc').pair).not.toBe(a.pair);
    expect(a.user).not.toContain('lice');
    expect(throttleKeys('GATEWAY-SVC', '10.0.0.1', 'gateway-svc').service).toBe(true);
    expect(throttleKeys('alice', '10.0.0.1', 'gateway-svc', 'AAAAAAAAAAAAAAAAAAAAAA').device).toBe('THROTTLE#DEVICE#AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('keys: an IPv6 client by its /64 (rotating within it changes nothing), an IPv4-mapped address as plain IPv4', () => {
    const a = throttleKeys('gateway-svc', '2001:db8:aa:bb:1::1', 'gateway-svc');
    const b = throttleKeys('gateway-svc', '2001:0DB8:00aa:00bb:ffff:2:3:4', 'gateway-svc');
    expect(b).toEqual(a);
    expect(a.ip).toBe('THROTTLE#IP#2001:db8:aa:bb::/64');
    expect(a.pair).toMatch(/#IP#2001:db8:aa:bb::\/64$/);
    expect(throttleKeys('bob', '2001:db8:aa:bc::1', 'gateway-svc').ip).not.toBe(a.ip); // the next /64 is another client
    expect(throttleKeys('bob', '2001:db8::1', 'gateway-svc').ip).toBe('THROTTLE#IP#2001:db8:0:0::/64');
    const v4 = throttleKeys('gateway-svc', '10.0.0.1', 'gateway-svc');
    expect(throttleKeys('gateway-svc', '::ffff:10.0.0.1', 'gateway-svc')).toEqual(v4);
    expect(throttleKeys('gateway-svc', '::FFFF:a00:1', 'gateway-svc')).toEqual(v4);
  });
});
