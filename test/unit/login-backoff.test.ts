import { describe, expect, it } from 'vitest';
import { attempt, throttleKeys, type Counter } from '../../functions/domain/login-backoff.js';

const policy = { maxFailures: 3, windowMs: 60_000, baseDelayMs: 1000, maxDelayMs: 8000 };

/** Charges `n` attempts at `now` (each allowed one counted as a failure). */
function fail(n: number, now: number, from?: Counter): Counter | undefined {
  let c = from;
  for (let i = 0; i < n; i++) {
    const a = attempt(c, now, policy);
    if (a.allowed) c = a.next;
  }
  return c;
}

describe('login backoff', () => {
  it('allows maxFailures attempts, then each further one waits twice as long as the last, up to the cap', () => {
    let c = fail(3, 0);
    expect(attempt(c, 500, policy)).toEqual({ allowed: false, retryAfterMs: 500 });
    const delays: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      now = c!.blockedUntil;
      const a = attempt(c, now, policy);
      if (!a.allowed) throw new Error('expected allowed');
      c = a.next;
      delays.push(c.blockedUntil - now);
    }
    expect(delays).toEqual([2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('forgets a finished window once it no longer blocks', () => {
    const c = fail(3, 0)!;
    expect(attempt(c, 60_000, policy)).toMatchObject({ allowed: true, next: { failures: 1, windowStart: 60_000 } });
  });

  it('keys: usernames hashed and case-folded; the service user per source IP', () => {
    const a = throttleKeys('Alice', '10.0.0.1', 'gateway-svc');
    expect(a).toEqual({ user: expect.stringMatching(/^THROTTLE#USER#[0-9a-f]{64}$/), ip: 'THROTTLE#IP#10.0.0.1' });
    expect(throttleKeys('alice', '10.0.0.2', 'gateway-svc').user).toBe(a.user);
    expect(a.user).not.toContain('lice');
    const svc = throttleKeys('GATEWAY-SVC', '10.0.0.1', 'gateway-svc').user;
    expect(svc).toMatch(/^THROTTLE#USER#[0-9a-f]{64}#IP#10\.0\.0\.1$/);
    expect(throttleKeys('gateway-svc', '10.0.0.2', 'gateway-svc').user).not.toBe(svc);
  });
});
