import { createHash } from 'node:crypto';

/**
 * Login rate limiting (SPEC §13), as pure decisions over one counter of failed attempts in a
 * window. Once a counter holds `maxFailures`, each further attempt waits
 * `baseDelayMs · 2^(failures − maxFailures)` (capped at `maxDelayMs`) after the last one.
 */
export interface BackoffPolicy {
  maxFailures: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface Counter {
  failures: number;
  windowStart: number;
  /** No attempt before this time (epoch ms); 0 when not blocked. */
  blockedUntil: number;
}

export type Attempt = { allowed: true; next: Counter } | { allowed: false; retryAfterMs: number };

const fresh = (now: number): Counter => ({ failures: 0, windowStart: now, blockedUntil: 0 });

/** The counter as it stands at `now`: a finished window that no longer blocks starts over. */
export function current(c: Counter | undefined, now: number, p: BackoffPolicy): Counter {
  if (!c) return fresh(now);
  return c.windowStart + p.windowMs <= now && c.blockedUntil <= now ? fresh(now) : c;
}

export function delayAfter(failures: number, p: BackoffPolicy): number {
  if (failures < p.maxFailures) return 0;
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(failures - p.maxFailures, 30));
}

/** May one more attempt go to BAM now? If so, the counter with it counted as a failure. */
export function attempt(c: Counter | undefined, now: number, p: BackoffPolicy): Attempt {
  const cur = current(c, now, p);
  if (cur.blockedUntil > now) return { allowed: false, retryAfterMs: cur.blockedUntil - now };
  const failures = cur.failures + 1;
  const delay = delayAfter(failures, p);
  return { allowed: true, next: { failures, windowStart: cur.windowStart, blockedUntil: delay ? now + delay : 0 } };
}

/** When the item may be deleted (DynamoDB TTL, seconds): once neither its window nor its block matters. */
export function expiresAt(c: Counter, p: BackoffPolicy): number {
  return Math.ceil(Math.max(c.windowStart + p.windowMs, c.blockedUntil) / 1000) + 60;
}

/**
 * The counters an attempt is charged to. Usernames are stored hashed (lower-cased: BAM names
 * are case-insensitive). The service user's username counter is per source IP too: an attacker
 * guessing its password from one address must not lock out the monitor's automation or an
 * operator logging in from elsewhere (the per-IP counter still slows that attacker down).
 */
export function throttleKeys(username: string, sourceIp: string, serviceUsername: string): { user: string; ip: string } {
  const lower = username.toLowerCase();
  const hash = createHash('sha256').update(lower, 'utf8').digest('hex');
  const user = lower === serviceUsername.toLowerCase() ? `THROTTLE#USER#${hash}#IP#${sourceIp}` : `THROTTLE#USER#${hash}`;
  return { user, ip: `THROTTLE#IP#${sourceIp}` };
}
