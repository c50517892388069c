import * as z from 'zod/mini';
import { validate } from '../commons/validation.js';
import { logger } from '../commons/logger.js';
import { attempt, expiresAt, type BackoffPolicy, type Counter } from '../domain/login-backoff.js';
import type { DynamoThrottleStore } from '../adapters/throttle-store.js';

export interface LoginLimits {
  user: BackoffPolicy;
  ip: BackoffPolicy;
}

const intFrom = (def: number, min = 1) => z._default(z.coerce.number().check(z.int(), z.minimum(min)), def);
const schema = z.object({
  LOGIN_MAX_FAILURES: intFrom(5),
  LOGIN_MAX_FAILURES_PER_IP: intFrom(20),
  LOGIN_FAILURE_WINDOW_SECONDS: intFrom(900),
  LOGIN_BACKOFF_BASE_MS: intFrom(1000),
  LOGIN_BACKOFF_MAX_SECONDS: intFrom(900),
});

/** The limits from the environment (see README "Login rate limits"); a bad value names its variable. */
export function loginLimits(env: NodeJS.ProcessEnv): LoginLimits {
  const parsed = validate(schema, env);
  if (!parsed.ok) throw new Error(`invalid login rate limits: ${parsed.issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  const e = parsed.data;
  const shared = { windowMs: e.LOGIN_FAILURE_WINDOW_SECONDS * 1000, baseDelayMs: e.LOGIN_BACKOFF_BASE_MS, maxDelayMs: e.LOGIN_BACKOFF_MAX_SECONDS * 1000 };
  return { user: { maxFailures: e.LOGIN_MAX_FAILURES, ...shared }, ip: { maxFailures: e.LOGIN_MAX_FAILURES_PER_IP, ...shared } };
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };
type Keys = { user: string; ip: string };

/** Optimistic retries on a contended counter; one this contended is being hammered, so refusing is right. */
const MAX_TRIES = 5;
const refused = (ms: number): Admission => ({ admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

/**
 * Whether a login attempt may reach BAM, by its per-address and per-username counters in the
 * table. The username counter is charged before BAM is asked, so a burst of parallel guesses
 * cannot all pass one check; a success resets it and any other outcome than wrong credentials
 * takes the charge back. The address counter is charged only for wrong credentials, so many
 * users behind one address (NAT, a load test) are not limited by their concurrency.
 */
export class LoginThrottle {
  constructor(
    private readonly store: DynamoThrottleStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** `chargeUser: false` for credentials known to be right (the service user's): checked, not counted. */
  async admit(keys: Keys, opts: { chargeUser: boolean }): Promise<Admission> {
    const ip = this.blocked(await this.store.get(keys.ip), this.limits.ip);
    if (ip) return ip;
    if (!opts.chargeUser) return this.blocked(await this.store.get(keys.user), this.limits.user) ?? { admitted: true };
    return this.charge(keys.user, this.limits.user);
  }

  /** BAM refused the credentials: the address pays too (the username already did). */
  async wrongCredentials(keys: Keys): Promise<void> {
    await this.charge(keys.ip, this.limits.ip);
  }

  async succeeded(keys: Keys): Promise<void> {
    await this.store.delete(keys.user).catch((err) => logger.warn('login throttle reset failed', { error: err as Error }));
  }

  /** Not a guess (BAM unreachable, a failover, a bad alias): the username's charge is taken back. */
  async notAFailure(keys: Keys, opts: { chargeUser: boolean }): Promise<void> {
    if (opts.chargeUser) await this.store.subtract(keys.user).catch((err) => logger.warn('login throttle refund failed', { error: err as Error }));
  }

  private blocked(counter: Counter | undefined, policy: BackoffPolicy): Admission | undefined {
    const a = attempt(counter, this.now(), policy);
    return a.allowed ? undefined : refused(a.retryAfterMs);
  }

  private async charge(pk: string, policy: BackoffPolicy): Promise<Admission> {
    const now = this.now();
    // Below the threshold one atomic increment decides, whatever the concurrency.
    if (await this.store.addBelow(pk, policy.maxFailures, now, now - policy.windowMs, Math.ceil((now + policy.windowMs) / 1000) + 60)) return { admitted: true };
    for (let i = 0; i < MAX_TRIES; i++) {
      const seen = await this.store.get(pk);
      const a = attempt(seen, this.now(), policy);
      if (!a.allowed) return refused(a.retryAfterMs);
      if (await this.store.replace(pk, seen, a.next, expiresAt(a.next, policy))) return { admitted: true };
    }
    return refused(1000);
  }
}
