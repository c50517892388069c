import type { Counter } from './domain/login-backoff.js';

/** How old a remembered counter may be when it only slows a known client. */
export const SLOW_VIEW_MS = 1000;

/**
 * What this process remembers of the login throttle items between logins, so that a known
 * client's login in the steady state costs two writes (its place taken with its own counter, and
 * given back) and no read:
 * - that a username logged in from an address, until when: a mark is never withdrawn, only
 *   expires, so a remembered one is exact until then;
 * - the counters that only slow a known client (the username's, the address's), for at most
 *   SLOW_VIEW_MS: slowing is soft, and a failure this process counts forgets its counter at once.
 *   What refuses a known client (its own counter) is always read with its place, atomically;
 * - how many of a count were in flight when last seen: a hint choosing which write to try first.
 * At most `maxEntries` of each, the oldest dropped first: memory does not grow with the users.
 */
export class LoginViewCache {
  private readonly known = new Map<string, number>();
  private readonly counters = new Map<string, { counter: Counter | undefined; at: number }>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = SLOW_VIEW_MS,
  ) {}

  /** Until when the pair is remembered as known (0: not remembered). */
  knownUntil(pairPk: string, now: number): number {
    const until = this.known.get(pairPk) ?? 0;
    return until > now ? until : 0;
  }

  rememberKnown(pairPk: string, until: number): void {
    if (until > 0) put(this.known, pairPk, until, this.maxEntries);
  }

  /** The counters of `pks` if every one is remembered fresh, else undefined (read them). */
  freshCounters(pks: string[], now: number): Record<string, Counter | undefined> | undefined {
    const out: Record<string, Counter | undefined> = {};
    for (const pk of pks) {
      const e = this.counters.get(pk);
      if (!e || now - e.at >= this.maxAgeMs) return undefined;
      out[pk] = e.counter;
    }
    return out;
  }

  rememberCounter(pk: string, counter: Counter | undefined, at: number): void {
    put(this.counters, pk, { counter, at }, this.maxEntries);
  }

  /** A failure was counted (or a counter cleared) here: the next login reads it. */
  forget(pk: string): void {
    this.counters.delete(pk);
  }

  inFlightHint(pk: string): number {
    return this.inFlight.get(pk) ?? 0;
  }

  rememberInFlight(pk: string, n: number): void {
    put(this.inFlight, pk, n, this.maxEntries);
  }
}

/** Oldest first in a Map: past the limit, drop the oldest entry. */
function put<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
