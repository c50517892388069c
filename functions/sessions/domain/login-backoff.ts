import { createHash } from 'node:crypto';
import { throttleAddress } from './source-address.js';

/**
 * Login rate limiting, as pure decisions over one counter of failed logins (wrong
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
 * How long a count of logins in flight lives without going back to zero before it is started over:
 * far longer than any login can take (the API function times out at 29 s), so a place leaked by a
 * crashed attempt is forgotten, while a live one is not.
 */
export const IN_FLIGHT_LEASE_MS = 60_000;

const fresh = (now: number): Counter => ({ failures: 0, windowStart: now, blockedUntil: 0 });

/**
 * The counter as it stands at `now`. It is forgotten once its window has passed and, if it ever
 * blocked, a whole window has passed since the block ended: an attacker who keeps guessing keeps
 * the delay at its longest instead of starting over with free guesses each window (only unknown
 * clients are refused by it, so this locks out no one who logged in before).
 */
export function current(c: Counter | undefined, now: number, p: BackoffPolicy): Counter {
  if (!c) return fresh(now);
  return c.windowStart + p.windowMs <= now && (c.blockedUntil === 0 || c.blockedUntil + p.windowMs <= now) ? fresh(now) : c;
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

/** When the item may be deleted (DynamoDB TTL, seconds): once `current` would forget it. */
export function expiresAt(c: Counter, p: BackoffPolicy): number {
  return Math.ceil(Math.max(c.windowStart + p.windowMs, c.blockedUntil ? c.blockedUntil + p.windowMs : 0) / 1000) + 60;
}

/** The throttle items of one login attempt (docs/security.md, "Login rate limits"). */
export interface ThrottleKeys {
  /** The username, whatever the address: failures from clients it has not logged in from (for the service user, all of its failures). */
  user: string;
  /** This username from this address: its own counter and places, and the mark that it logged in from here. */
  pair: string;
  /** The address, whatever the usernames. */
  ip: string;
  /** A valid device cookie of this username: its own counter and places. */
  device?: string;
  /** The failover-monitoring service user: its username counter only slows, never refuses. */
  service: boolean;
}

/**
 * The items an attempt is decided on and charged to. Usernames are stored hashed (lower-cased: BAM
 * names are case-insensitive). Addresses are keyed by `throttleAddress` (an IPv6 /64 as one
 * client), so rotating escapes neither. `deviceId` comes from a device cookie already verified.
 */
export function throttleKeys(username: string, sourceIp: string, serviceUsername: string, deviceId?: string): ThrottleKeys {
  const lower = username.toLowerCase();
  const hash = createHash('sha256').update(lower, 'utf8').digest('hex');
  const address = throttleAddress(sourceIp);
  return {
    user: `THROTTLE#USER#${hash}`,
    pair: `THROTTLE#USER#${hash}#IP#${address}`,
    ip: `THROTTLE#IP#${address}`,
    ...(deviceId ? { device: `THROTTLE#DEVICE#${deviceId}` } : {}),
    service: lower === serviceUsername.toLowerCase(),
  };
}
