import { beforeAll, describe, expect, it } from 'vitest';
import { throttleKeys } from '../../../functions/sessions/domain/login-backoff.js';
import { LoginThrottle, loginLimits, type Admission } from '../../../functions/sessions/login-throttle.js';
import { InMemoryThrottleStore } from '../../support/fakes/throttle-store.js';

/**
 * The limits never become a lockout others can cause, with the default limits, on the
 * throttle's items in memory and a clock the test moves: a day of an attacker's guesses from many
 * addresses, and the user's own clients logging in through it.
 */
let now = Date.UTC(2026, 11, 6);
const slept: number[] = [];
let throttle: LoginThrottle;
const SVC = 'gateway-svc';
const HOUR = 3_600_000;

beforeAll(async () => {
  const sleep = async (ms: number) => {
    slept.push(ms);
    now += ms;
  };
  throttle = new LoginThrottle(new InMemoryThrottleStore(), loginLimits({}), () => now, sleep);
});

/** One attempt, answered as BAM would: `right` or not. */
async function attempt(user: string, ip: string, right: boolean, device?: string): Promise<Admission> {
  const keys = throttleKeys(user, ip, SVC, device);
  const admission = await throttle.admit(keys, { knownRight: user === SVC && right });
  await throttle.finished(keys, admission, right ? 'success' : 'wrong-credentials');
  return admission;
}

describe('an attacker guessing a user’s password from other addresses all day', () => {
  it('about 1,200 wrong passwords a day for alice: her right password from her known client (address or device cookie) is never refused; the guesses back off', async () => {
    expect((await attempt('alice', '10.1.0.1', true)).admitted).toBe(true); // her client, known from now on
    const device = 'AAAAAAAAAAAAAAAAAAAAAA';
    const end = now + 24 * HOUR;
    let guesses = 0;
    let guessesAsked = 0;
    let nextAlice = now + HOUR;
    const aliceAnswers: Admission[] = [];
    for (let i = 0; now < end; i++) {
      const guess = await attempt('alice', `10.2.${(i >> 8) & 255}.${i & 255}`, false); // a new address each time
      guesses++;
      if (guess.admitted) guessesAsked++;
      if (now >= nextAlice) {
        nextAlice += HOUR;
        aliceAnswers.push(await attempt('alice', '10.1.0.1', true));
        aliceAnswers.push(await attempt('alice', `10.3.0.${aliceAnswers.length}`, true, device)); // her browser, from a new address
      }
      now += 72_000; // 1,200 a day
    }
    expect(guesses).toBeGreaterThanOrEqual(1195);
    expect(aliceAnswers.length).toBeGreaterThanOrEqual(46);
    expect(aliceAnswers.filter((a) => !a.admitted)).toEqual([]);
    // Failures from elsewhere slowed her (by at most LOGIN_SLOWDOWN_MAX_MS), never refused her.
    expect(Math.max(...slept)).toBeLessThanOrEqual(2000);
    expect(slept.some((ms) => ms > 0)).toBe(true);
    // The attacker's own attempts back off: most of the day's guesses never reach BAM.
    expect(guessesAsked).toBeLessThan(guesses / 4);
    // A new client of alice is an attacker's twin: refused while the username is in backoff.
    expect((await attempt('alice', '10.4.0.1', true)).admitted).toBe(false);
  }, 60_000);

  it("a known client's own wrong passwords still block it, and only it", async () => {
    expect((await attempt('bob', '10.5.0.1', true)).admitted).toBe(true);
    for (let i = 0; i < 5; i++) expect((await attempt('bob', '10.5.0.1', false)).admitted).toBe(true);
    expect(await attempt('bob', '10.5.0.1', true)).toMatchObject({ admitted: false, reason: 'too many failed logins' });
    expect((await attempt('bob', '10.5.0.2', true)).admitted).toBe(true); // his typos lock nobody else out
  });
});

describe("the service user's global slowing counter", () => {
  it('failures from many addresses slow every service login, from anywhere, and refuse none but the guessing addresses', async () => {
    expect((await attempt(SVC, '10.6.0.1', true)).admitted).toBe(true); // its automation's address
    for (let i = 0; i < 30; i++) await attempt(SVC, `10.7.0.${i}`, false);
    slept.length = 0;
    const known = await attempt(SVC, '10.6.0.1', true);
    expect(known.admitted).toBe(true);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // slowed before queueing: its own burst is not held back
    const fresh = await attempt(SVC, '10.8.0.1', true);
    expect(fresh).toMatchObject({ admitted: true, delayMs: expect.any(Number) });
    expect((fresh as { delayMs: number }).delayMs).toBeGreaterThan(0); // slowed holding the username's places: the rate of guesses is capped
    expect((fresh as { delayMs: number }).delayMs).toBeLessThanOrEqual(2000);
    // A guessing address is blocked by its own failures.
    for (let i = 0; i < 5; i++) await attempt(SVC, '10.9.0.1', false);
    expect(await attempt(SVC, '10.9.0.1', true)).toMatchObject({ admitted: false, reason: 'too many failed logins' });
  });
});
