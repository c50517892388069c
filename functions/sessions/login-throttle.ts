import * as z from 'zod/mini';
import { validate } from '../commons/validation.js';
import { logger } from '../commons/logger.js';
import { attempt, expiresAt, refund, type BackoffPolicy, type Counter } from '../domain/login-backoff.js';
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

/** Optimistic retries per counter; a counter this contended is being hammered, so refusing is right. */
const MAX_TRIES = 5;

/**
 * Decides whether a login attempt may reach BAM, against its per-IP and per-username counters in
 * the table. `admit` counts the attempt as a failure on both; `succeeded` resets the username
 * counter and takes the attempt back from the IP's; `notAFailure` takes it back from both.
 */
export class LoginThrottle {
  constructor(
    private readonly store: DynamoThrottleStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(keys: { user: string; ip: string }): Promise<Admission> {
    const ip = await this.charge(keys.ip, this.limits.ip);
    if (!ip.admitted) return ip;
    const user = await this.charge(keys.user, this.limits.user);
    if (!user.admitted) await this.giveBack(keys.ip, this.limits.ip);
    return user;
  }

  async succeeded(keys: { user: string; ip: string }): Promise<void> {
    await Promise.all([this.store.delete(keys.user).catch((err) => logger.warn('login throttle reset failed', { error: err as Error })), this.giveBack(keys.ip, this.limits.ip)]);
  }

  async notAFailure(keys: { user: string; ip: string }): Promise<void> {
    await Promise.all([this.giveBack(keys.user, this.limits.user), this.giveBack(keys.ip, this.limits.ip)]);
  }

  private async charge(pk: string, policy: BackoffPolicy): Promise<Admission> {
    for (let i = 0; i < MAX_TRIES; i++) {
      const { counter, version } = await this.store.get(pk);
      const now = this.now();
      const a = attempt(counter, now, policy);
      if (!a.allowed) return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(a.retryAfterMs / 1000)) };
      if (await this.store.put(pk, a.next, version, expiresAt(a.next, policy))) return { admitted: true };
    }
    return { admitted: false, retryAfterSeconds: 1 };
  }

  /** Best effort: a refund lost to a race or an error only makes the counter stricter. */
  private async giveBack(pk: string, policy: BackoffPolicy): Promise<void> {
    try {
      for (let i = 0; i < MAX_TRIES; i++) {
        const { counter, version } = await this.store.get(pk);
        if (!counter || counter.failures === 0) return;
        const next: Counter = refund(counter, this.now(), policy);
        if (await this.store.put(pk, next, version, expiresAt(next, policy))) return;
      }
    } catch (err) {
      logger.warn('login throttle refund failed', { error: err as Error });
    }
  }
}
