import type { ThrottleKeys } from './login-backoff.js';

/**
 * How well the gateway knows the client of a login attempt: a valid device cookie of the username
 * (set by an earlier successful login in that browser), the address the username logged in from
 * successfully before, or neither.
 */
export type Trust = 'device' | 'pair' | 'unknown';

/** Which limit a count of logins in flight has: a username's (unknown clients), an address's, a known client's own. */
export type Cap = 'perUser' | 'perIp' | 'perKnownClient';

export interface AttemptPlan {
  trust: Trust;
  /** Places in flight taken before BAM is asked, in this order, each under its cap. */
  places: { pk: string; cap: Cap }[];
  /** Counters whose backoff refuses the attempt (429). */
  refuseBy: string[];
  /** Counters whose backoff only delays it (at most LOGIN_SLOWDOWN_MAX_MS). */
  slowBy: string[];
  /**
   * The delay is served holding the places, so that it caps the rate of attempts (an unknown
   * client of the service user), or before taking them, so that it never holds back the client's
   * own burst (a known client: failures from elsewhere slow it, never fill its queue).
   */
  slowInPlace: boolean;
  /** Counters a wrong password is counted in. */
  chargeTo: string[];
  /** Counters a right password resets. */
  resetOnSuccess: string[];
}

export const trustOf = (keys: ThrottleKeys, knownPair: boolean): Trust => (keys.device ? 'device' : knownPair ? 'pair' : 'unknown');

/**
 * What decides an attempt and what it is charged to (the limits never become a lockout
 * others can cause). A known client (device or pair) is refused only by its own failures, and
 * takes a place only in its own count: failures and bursts from elsewhere cannot refuse it. An
 * unknown client is refused by the username's and the address's backoff, so guessing from new
 * addresses backs off; for the service user the username counter only slows (its automation must
 * always get in), holding the username's places, so that it still caps the rate of guesses from
 * anywhere.
 */
export function planFor(keys: ThrottleKeys, trust: Trust): AttemptPlan {
  const service = keys.service;
  if (trust === 'unknown') {
    return {
      trust,
      places: [
        { pk: keys.ip, cap: 'perIp' },
        { pk: keys.user, cap: 'perUser' },
      ],
      refuseBy: service ? [keys.pair, keys.ip] : [keys.user, keys.pair, keys.ip],
      slowBy: service ? [keys.user] : [],
      slowInPlace: true,
      chargeTo: [keys.user, keys.pair, keys.ip],
      // The service user's counter is global: a login of its own does not undo the slowing of an attack.
      resetOnSuccess: service ? [keys.pair] : [keys.user, keys.pair],
    };
  }
  const own = trust === 'device' ? keys.device! : keys.pair;
  return {
    trust,
    places: [{ pk: own, cap: 'perKnownClient' }],
    refuseBy: [own],
    slowBy: trust === 'device' ? [keys.user, keys.pair, keys.ip] : [keys.user, keys.ip],
    slowInPlace: false,
    // A known client's failures are its own: they do not count against the username elsewhere (but the service user's global counter counts every failure).
    chargeTo: [own, keys.ip, ...(service ? [keys.user] : [])],
    resetOnSuccess: [own],
  };
}
