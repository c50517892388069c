import * as z from 'zod/mini';
import { validate } from '../commons/validation.js';
import { logger } from '../commons/logger.js';
import { IN_FLIGHT_LEASE_MS, afterFailure, blockedFor, expiresAt, type BackoffPolicy, type Counter } from '../domain/login-backoff.js';
import type { DynamoThrottleStore } from '../adapters/throttle-store.js';

export interface LoginLimits {
  user: BackoffPolicy;
  ip: BackoffPolicy;
  /** Logins of one username asking BAM at once. */
  maxConcurrent: number;
  /** Logins from one address (whatever the usernames) asking BAM at once. */
  maxConcurrentPerIp: number;
}

const intFrom = (def: number, min = 1) => z._default(z.coerce.number().check(z.int(), z.minimum(min)), def);
const schema = z.object({
  LOGIN_MAX_FAILURES: intFrom(5),
  LOGIN_MAX_FAILURES_PER_IP: intFrom(20),
  LOGIN_FAILURE_WINDOW_SECONDS: intFrom(900),
  LOGIN_BACKOFF_BASE_MS: intFrom(1000),
  LOGIN_BACKOFF_MAX_SECONDS: intFrom(900),
  LOGIN_MAX_CONCURRENT: intFrom(20),
  LOGIN_MAX_CONCURRENT_PER_IP: intFrom(50),
});

/** The limits from the environment (see README "Login rate limits"); a bad value names its variable. */
export function loginLimits(env: NodeJS.ProcessEnv): LoginLimits {
  const parsed = validate(schema, env);
  if (!parsed.ok) throw new Error(`invalid login rate limits: ${parsed.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  const e = parsed.data;
  const shared = { windowMs: e.LOGIN_FAILURE_WINDOW_SECONDS * 1000, baseDelayMs: e.LOGIN_BACKOFF_BASE_MS, maxDelayMs: e.LOGIN_BACKOFF_MAX_SECONDS * 1000 };
  return {
    user: { maxFailures: e.LOGIN_MAX_FAILURES, ...shared },
    ip: { maxFailures: e.LOGIN_MAX_FAILURES_PER_IP, ...shared },
    maxConcurrent: e.LOGIN_MAX_CONCURRENT,
    maxConcurrentPerIp: e.LOGIN_MAX_CONCURRENT_PER_IP,
  };
}

/** Places held in the in-flight counts of the username and of the address (none for a login known right). */
export type Leases = { user?: number; ip?: number };
/**
 * An admitted login holds its `leases` until `finished`. `userCounter`: the username had a failure
 * counter when admitted (a success deletes it; without one there is nothing to reset).
 */
export type Admission = { admitted: true; leases: Leases; userCounter: boolean } | { admitted: false; retryAfterSeconds: number; reason: string };
export type LoginOutcome = 'success' | 'wrong-credentials' | 'other';
type Keys = { user: string; ip: string };

/** Optimistic retries on a contended counter; one this contended is being hammered, so giving up is right. */
const MAX_TRIES = 5;
const BACKOFF = 'too many failed logins';
const IN_FLIGHT = 'too many logins in flight';
const refused = (ms: number, reason: string): Admission => ({ admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)), reason });

/**
 * Whether a login attempt may reach BAM, by counters in the table (README "Login rate limits").
 * Failed logins (wrong credentials) drive a backoff per username and per address. A parallel
 * burst is held by up-front counts of logins in flight, per username (`maxConcurrent`) and per
 * address (`maxConcurrentPerIp`, whatever the usernames), and the backoff is checked only after
 * taking places in them, so a burst of guesses gets at most `maxConcurrent + maxFailures − 1`
 * answers from BAM per username before the backoff refuses everything. Right logins never count
 * as failures, so many clients of one account logging in together (after a failover) are only
 * paced, never locked out.
 */
export class LoginThrottle {
  constructor(
    private readonly store: DynamoThrottleStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `knownRight`: credentials the gateway knows to be right (the service user's). They take no
   * place in flight (parallel service logins never pace each other), but are refused whenever a
   * wrong attempt would be, full counts included: otherwise the answer tells right from wrong.
   */
  async admit(keys: Keys, opts: { knownRight: boolean }): Promise<Admission> {
    if (opts.knownRight) {
      // One read decides: the same tests a wrong attempt passes (address backoff, both counts in
      // flight, username backoff), without taking a place.
      const now = this.now();
      const c = await this.store.loginCounts(keys, now, IN_FLIGHT_LEASE_MS);
      const ip = blockedFor(c.ip, now, this.limits.ip);
      if (ip) return refused(ip, BACKOFF);
      if (c.userInFlight >= this.limits.maxConcurrent || c.ipInFlight >= this.limits.maxConcurrentPerIp) return refused(1000, IN_FLIGHT);
      const user = blockedFor(c.user, now, this.limits.user);
      if (user) return refused(user, BACKOFF);
      return { admitted: true, leases: {}, userCounter: c.user !== undefined };
    }
    const ip = blockedFor(await this.store.get(keys.ip), this.now(), this.limits.ip);
    if (ip) return refused(ip, BACKOFF);
    const leases: Leases = {};
    leases.ip = await this.store.acquire(keys.ip, this.limits.maxConcurrentPerIp, this.now(), IN_FLIGHT_LEASE_MS);
    if (leases.ip === undefined) return refused(1000, IN_FLIGHT);
    leases.user = await this.store.acquire(keys.user, this.limits.maxConcurrent, this.now(), IN_FLIGHT_LEASE_MS);
    if (leases.user === undefined) {
      await this.release(keys, leases);
      return refused(1000, IN_FLIGHT);
    }
    // Both backoffs again, now a place is held: failures counted while this one waited are seen.
    const [userCounter, ipCounter] = await Promise.all([this.store.get(keys.user), this.store.get(keys.ip)]);
    const blocked = Math.max(blockedFor(userCounter, this.now(), this.limits.user), blockedFor(ipCounter, this.now(), this.limits.ip));
    if (!blocked) return { admitted: true, leases, userCounter: userCounter !== undefined };
    await this.release(keys, leases);
    return refused(blocked, BACKOFF);
  }

  /** BAM answered (or failed): a failure is counted before the places in flight are given back, so no one slips in between. */
  async finished(keys: Keys, admission: Admission, outcome: LoginOutcome): Promise<void> {
    const warn = (what: string) => (err: unknown) => logger.warn(`login throttle ${what} failed`, { error: err as Error });
    if (outcome === 'wrong-credentials') {
      await Promise.all([this.countFailure(keys.user, this.limits.user), this.countFailure(keys.ip, this.limits.ip)]).catch(warn('count'));
    }
    if (outcome === 'success' && admission.admitted && admission.userCounter) await this.store.delete(keys.user).catch(warn('reset'));
    if (admission.admitted) await this.release(keys, admission.leases);
  }

  private async release(keys: Keys, leases: Leases): Promise<void> {
    const warn = (err: unknown) => logger.warn('login throttle release failed', { error: err as Error });
    await Promise.all([
      leases.user !== undefined ? this.store.release(keys.user, leases.user).catch(warn) : undefined,
      leases.ip !== undefined ? this.store.release(keys.ip, leases.ip).catch(warn) : undefined,
    ]);
  }

  private async countFailure(pk: string, policy: BackoffPolicy): Promise<void> {
    const now = this.now();
    // Below the threshold one atomic increment does it, whatever the concurrency.
    if (await this.store.addBelow(pk, policy.maxFailures, now, now - policy.windowMs, Math.ceil((now + policy.windowMs) / 1000) + 60)) return;
    for (let i = 0; i < MAX_TRIES; i++) {
      const seen: Counter | undefined = await this.store.get(pk);
      const next = afterFailure(seen, this.now(), policy);
      if (await this.store.replace(pk, seen, next, expiresAt(next, policy))) return;
    }
    logger.warn('login throttle: a failure could not be counted (counter contended)');
  }
}
