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
}

const intFrom = (def: number, min = 1) => z._default(z.coerce.number().check(z.int(), z.minimum(min)), def);
const schema = z.object({
  LOGIN_MAX_FAILURES: intFrom(5),
  LOGIN_MAX_FAILURES_PER_IP: intFrom(20),
  LOGIN_FAILURE_WINDOW_SECONDS: intFrom(900),
  LOGIN_BACKOFF_BASE_MS: intFrom(1000),
  LOGIN_BACKOFF_MAX_SECONDS: intFrom(900),
  LOGIN_MAX_CONCURRENT: intFrom(20),
});

/** The limits from the environment (see README "Login rate limits"); a bad value names its variable. */
export function loginLimits(env: NodeJS.ProcessEnv): LoginLimits {
  const parsed = validate(schema, env);
  if (!parsed.ok) throw new Error(`invalid login rate limits: ${parsed.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  const e = parsed.data;
  const shared = { windowMs: e.LOGIN_FAILURE_WINDOW_SECONDS * 1000, baseDelayMs: e.LOGIN_BACKOFF_BASE_MS, maxDelayMs: e.LOGIN_BACKOFF_MAX_SECONDS * 1000 };
  return { user: { maxFailures: e.LOGIN_MAX_FAILURES, ...shared }, ip: { maxFailures: e.LOGIN_MAX_FAILURES_PER_IP, ...shared }, maxConcurrent: e.LOGIN_MAX_CONCURRENT };
}

/** An admitted login holds `lease` (its place in the username's in-flight count) until `finished`. */
export type Admission = { admitted: true; lease?: number } | { admitted: false; retryAfterSeconds: number; reason: string };
export type LoginOutcome = 'success' | 'wrong-credentials' | 'other';
type Keys = { user: string; ip: string };

/** Optimistic retries on a contended counter; one this contended is being hammered, so giving up is right. */
const MAX_TRIES = 5;
const BACKOFF = 'too many failed logins';
const refused = (ms: number, reason: string): Admission => ({ admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)), reason });

/**
 * Whether a login attempt may reach BAM, by counters in the table (README "Login rate limits").
 * Failed logins (wrong credentials) drive a backoff per username and per address. A parallel
 * burst is held by an up-front count of the username's logins in flight: at most `maxConcurrent`
 * ask BAM at once, and the backoff is checked only after taking a place in that count, so a
 * burst of guesses gets at most `maxConcurrent + maxFailures − 1` answers from BAM before the
 * backoff refuses everything. Right logins never count as failures, so many clients of one
 * account logging in together (after a failover) are only paced, never locked out.
 */
export class LoginThrottle {
  constructor(
    private readonly store: DynamoThrottleStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** `inFlight: false` for credentials known to be right (the service user's): not counted in flight. */
  async admit(keys: Keys, opts: { inFlight: boolean }): Promise<Admission> {
    const ip = blockedFor(await this.store.get(keys.ip), this.now(), this.limits.ip);
    if (ip) return refused(ip, BACKOFF);
    let lease: number | undefined;
    if (opts.inFlight) {
      lease = await this.store.acquire(keys.user, this.limits.maxConcurrent, this.now(), IN_FLIGHT_LEASE_MS);
      if (lease === undefined) return refused(1000, 'too many logins in flight');
    }
    const user = blockedFor(await this.store.get(keys.user), this.now(), this.limits.user);
    if (!user) return { admitted: true, lease };
    await this.release(keys, lease);
    return refused(user, BACKOFF);
  }

  /** BAM answered (or failed): a failure is counted before the place in flight is given back, so no one slips in between. */
  async finished(keys: Keys, admission: Admission, outcome: LoginOutcome): Promise<void> {
    const warn = (what: string) => (err: unknown) => logger.warn(`login throttle ${what} failed`, { error: err as Error });
    if (outcome === 'wrong-credentials') {
      await Promise.all([this.countFailure(keys.user, this.limits.user), this.countFailure(keys.ip, this.limits.ip)]).catch(warn('count'));
    }
    if (outcome === 'success') await this.store.delete(keys.user).catch(warn('reset'));
    if (admission.admitted) await this.release(keys, admission.lease);
  }

  private async release(keys: Keys, lease: number | undefined): Promise<void> {
    if (lease !== undefined) await this.store.release(keys.user, lease).catch((err) => logger.warn('login throttle release failed', { error: err as Error }));
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
