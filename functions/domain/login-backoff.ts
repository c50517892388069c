import { createHash } from 'node:crypto';
import { throttleAddress } from './source-address.js';

/**
 * Login rate limiting (SPEC §13), as pure decisions over one counter of failed logins (wrong
 * credentials as BAM answered) in a window. Once a counter holds `maxFailures`, each further
 * failure blocks attempts for `baseDelayMs · 2^(failures − maxFailures)` (capped at `maxDelayMs`).
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

/**
 * How long an in-flight count lives without going back to zero before it is started over: far
 * longer than any login can take (the API function times out at 29 s), so a count leaked by a
 * crashed attempt is forgotten, while a live one is not.
 */
export const IN_FLIGHT_LEASE_MS = 60_000;

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

/** How long (ms) attempts must still wait at `now`; 0 when one may go to BAM. */
export function blockedFor(c: Counter | undefined, now: number, p: BackoffPolicy): number {
  return Math.max(0, current(c, now, p).blockedUntil - now);
}

/** The counter after one more failure at `now`: from `maxFailures` on, it blocks (never shortening a block). */
export function afterFailure(c: Counter | undefined, now: number, p: BackoffPolicy): Counter {
  const cur = current(c, now, p);
  const failures = cur.failures + 1;
  const delay = delayAfter(failures, p);
  return { failures, windowStart: cur.windowStart, blockedUntil: delay ? Math.max(cur.blockedUntil, now + delay) : cur.blockedUntil };
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
 * Addresses are keyed by `throttleAddress` (an IPv6 /64 as one client), so rotating escapes neither.
 */
export function throttleKeys(username: string, sourceIp: string, serviceUsername: string): { user: string; ip: string } {
  const lower = username.toLowerCase();
  const hash = createHash('sha256').update(lower, 'utf8').digest('hex');
  const address = throttleAddress(sourceIp);
  const user = lower === serviceUsername.toLowerCase() ? `THROTTLE#USER#${hash}#IP#${address}` : `THROTTLE#USER#${hash}`;
  return { user, ip: `THROTTLE#IP#${address}` };
}
