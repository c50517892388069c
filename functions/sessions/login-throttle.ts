import * as z from 'zod/mini';
import { validate } from '../kernel/validation.js';
import { logger } from '../kernel/logger.js';
import { IN_FLIGHT_LEASE_MS, afterFailure, blockedFor, expiresAt, type BackoffPolicy, type Counter, type ThrottleKeys } from './domain/login-backoff.js';
import { planFor, trustOf, type AttemptPlan, type Cap, type Trust } from './domain/login-trust.js';
import type { Slot, ThrottleStore } from './ports.js';
import { LoginViewCache } from './login-view-cache.js';

export interface LoginLimits {
  user: BackoffPolicy;
  ip: BackoffPolicy;
  /** Logins of one username from unknown clients asking BAM at once. */
  maxConcurrent: number;
  /** Logins of one known client (a device, or a username from an address it logged in from) asking BAM at once. */
  maxConcurrentKnown: number;
  /** Logins from one address (whatever the usernames) of unknown clients asking BAM at once. */
  maxConcurrentPerIp: number;
  /** How long a login waits for a place in flight while none is given back (the queue does not move) before it is answered 429. */
  queueWaitMs: number;
  /** The longest delay a counter that only slows (failures from elsewhere) adds to a login. */
  slowdownMaxMs: number;
  /** How long a successful login makes its address (and its browser's device cookie) a known client. */
  knownClientMs: number;
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
  LOGIN_MAX_CONCURRENT_KNOWN: intFrom(100),
  LOGIN_QUEUE_WAIT_MS: intFrom(5000, 0),
  LOGIN_SLOWDOWN_MAX_MS: intFrom(2000, 0),
  LOGIN_KNOWN_CLIENT_DAYS: intFrom(30),
});

/** The limits from the environment (see docs/security.md, "Login rate limits"); a bad value names its variable. */
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
    maxConcurrentKnown: e.LOGIN_MAX_CONCURRENT_KNOWN,
    queueWaitMs: e.LOGIN_QUEUE_WAIT_MS,
    slowdownMaxMs: e.LOGIN_SLOWDOWN_MAX_MS,
    knownClientMs: e.LOGIN_KNOWN_CLIENT_DAYS * 86_400_000,
  };
}

/**
 * An admitted login holds `leases` (places in flight, by pk) until `finished`; it waits `delayMs`
 * (failures from elsewhere slowing it) before asking BAM, holding them.
 */
export type Admission =
  | {
      admitted: true;
      trust: Trust;
      plan: AttemptPlan;
      leases: Record<string, number>;
      delayMs: number;
      /** How long failures from elsewhere slow it in all (`delayMs` included), for the audit log. */
      slowedMs: number;
      withCounter: string[];
      knownUntil: number;
    }
  | { admitted: false; retryAfterSeconds: number; reason: string };
export type LoginOutcome = 'success' | 'wrong-credentials' | 'other';

/**
 * The longest a login waits for a place in all, however the queue moves: with the slowing cap
 * and BAM's own timeout it stays within the API function's 29 s.
 */
export const QUEUE_MAX_MS = 20_000;
/** Optimistic retries on a contended counter; one this contended is being hammered, so giving up is right. */
const MAX_TRIES = 5;
const BACKOFF = 'too many failed logins';
const IN_FLIGHT = 'too many logins in flight';
const refused = (ms: number, reason: string): Admission => ({ admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)), reason });
const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Whether a login attempt may reach BAM, by items in the table (docs/security.md, "Login rate limits").
 * Failed logins drive a backoff; what refuses and what only slows depends on how well the client
 * is known (domain/login-trust.ts), so failures from elsewhere never refuse a client that logged in
 * before. Parallel attempts are held by counts of logins in flight taken before BAM is asked, and
 * the backoff is checked with the place (one atomic write), so a burst of guesses gets at most the
 * count's cap + `maxFailures` − 1 answers from BAM before the backoff refuses the rest. A full count
 * makes an attempt wait for a place (while the queue moves), not refuse it: a burst of right logins
 * is served in turn, not answered 429.
 */
export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = sleepFor,
    private readonly cache = new LoginViewCache(),
  ) {}

  /**
   * What the attempt is decided on: a known client's view from this process's memory when it
   * holds all of it (see LoginViewCache: its own counter is read with its place), else one
   * consistent read of every item, remembered for the next logins.
   */
  private async view(keys: ThrottleKeys, now: number, knownRight: boolean) {
    const pks = [keys.user, keys.pair, keys.ip, ...(keys.device ? [keys.device] : [])];
    const rememberedUntil = this.cache.knownUntil(keys.pair, now);
    const trust = trustOf(keys, rememberedUntil > 0);
    if (!knownRight && trust !== 'unknown') {
      const plan = planFor(keys, trust);
      const counters = this.cache.freshCounters(plan.slowBy, now);
      if (counters) {
        const slots = Object.fromEntries(plan.places.map((p) => [p.pk, { inFlight: this.cache.inFlightHint(p.pk), turns: -1 } as Slot]));
        return { plan, knownUntil: rememberedUntil, counters, slots };
      }
    }
    const { slots, knownUntil } = await this.store.read(pks, keys.pair, now, IN_FLIGHT_LEASE_MS);
    for (const pk of pks) this.cache.rememberCounter(pk, slots[pk]!.counter, now);
    this.cache.rememberKnown(keys.pair, knownUntil);
    const counters: Record<string, Counter | undefined> = Object.fromEntries(pks.map((pk) => [pk, slots[pk]!.counter]));
    return { plan: planFor(keys, trustOf(keys, knownUntil > now)), knownUntil, counters, slots };
  }

  /**
   * `knownRight`: credentials the gateway knows to be right (the service user's). They take no
   * place in flight (parallel service logins never pace each other), but wait and are refused
   * exactly when a wrong attempt would be: otherwise the answer tells right from wrong.
   */
  async admit(keys: ThrottleKeys, opts: { knownRight: boolean }): Promise<Admission> {
    const started = this.now();
    const deadline = started + QUEUE_MAX_MS;
    const { plan, knownUntil, counters, slots } = await this.view(keys, started, opts.knownRight);
    const trust = plan.trust;
    const policy = (pk: string) => (pk === keys.ip ? this.limits.ip : this.limits.user);
    const blocked = (of: string[]) => Math.max(0, ...of.map((pk) => blockedFor(counters[pk], this.now(), policy(pk))));
    const slowdown = () => Math.min(this.limits.slowdownMaxMs, blocked(plan.slowBy));
    const withCounter = () => plan.resetOnSuccess.filter((pk) => counters[pk] !== undefined);

    const early = blocked(plan.refuseBy);
    if (early) return refused(early, BACKOFF);
    // A known client is slowed before it queues, so failures elsewhere never hold back its own burst.
    const before = plan.slowInPlace ? 0 : slowdown();
    if (before) await this.sleep(before);
    const caps: Record<Cap, number> = { perUser: this.limits.maxConcurrent, perIp: this.limits.maxConcurrentPerIp, perKnownClient: this.limits.maxConcurrentKnown };
    const cap = (c: Cap) => caps[c];

    if (opts.knownRight) {
      for (const place of plan.places) {
        const slot = await this.waitBelow(place.pk, cap(place.cap), slots[place.pk]!, deadline);
        if (slot === undefined) return refused(1000, IN_FLIGHT);
        counters[place.pk] = slot.counter;
      }
      const late = blocked(plan.refuseBy);
      if (late) return refused(late, BACKOFF);
      const delayMs = plan.slowInPlace ? slowdown() : 0;
      return { admitted: true, trust, plan, leases: {}, delayMs, slowedMs: before + delayMs, withCounter: withCounter(), knownUntil };
    }

    const leases: Record<string, number> = {};
    const giveBack = () => this.release(leases);
    let waited = false;
    for (const place of plan.places) {
      const slot = await this.waitBelow(place.pk, cap(place.cap), slots[place.pk]!, deadline, async (s) => {
        waited ||= s !== slots[place.pk];
        const p = await this.store.acquire(place.pk, cap(place.cap), this.now(), IN_FLIGHT_LEASE_MS, s);
        if (p) {
          leases[place.pk] = p.lease;
          this.cache.rememberInFlight(place.pk, p.inFlight);
        }
        return p;
      });
      if (slot === undefined) {
        await giveBack();
        return refused(1000, IN_FLIGHT);
      }
      counters[place.pk] = slot.counter;
    }
    // The backoff again, now places are held: failures counted while this one waited are seen
    // (read with the place itself, or read now for a counter that holds no place).
    const unread = plan.refuseBy.filter((pk) => !(pk in leases));
    if (unread.length && waited) {
      const again = await this.store.read(unread, undefined, this.now(), IN_FLIGHT_LEASE_MS);
      for (const pk of unread) counters[pk] = again.slots[pk]!.counter;
    }
    const late = blocked(plan.refuseBy);
    if (late) {
      await giveBack();
      return refused(late, BACKOFF);
    }
    const delayMs = plan.slowInPlace ? slowdown() : 0;
    return { admitted: true, trust, plan, leases, delayMs, slowedMs: before + delayMs, withCounter: withCounter(), knownUntil };
  }

  /**
   * Waits until the count of `pk` has a place (`take` takes it; without it, only until one is
   * free), polling with a growing jittered pause: as long as places are given back (the queue
   * moves), but no longer than `queueWaitMs` without one, nor past `deadline`. Undefined then.
   */
  private async waitBelow(pk: string, max: number, seen: Slot, deadline: number, take?: (s: Slot) => Promise<{ counter?: Counter } | undefined>) {
    let slot = seen;
    let moved = this.now();
    for (let pause = 20; ; pause = Math.min(250, pause * 1.5)) {
      if (slot.inFlight < max) {
        if (!take) return slot;
        const taken = await take(slot);
        if (taken) return taken;
      }
      const now = this.now();
      if (now >= deadline || now - moved >= this.limits.queueWaitMs) return undefined;
      await this.sleep(pause * (0.5 + Math.random()));
      const next = await this.store.get(pk, this.now(), IN_FLIGHT_LEASE_MS);
      if (next.turns !== slot.turns) moved = this.now();
      slot = next;
    }
  }

  /** BAM answered (or failed): a failure is counted before the places in flight are given back, so no one slips in between. */
  async finished(keys: ThrottleKeys, admission: Admission, outcome: LoginOutcome): Promise<void> {
    if (!admission.admitted) return;
    const warn = (what: string) => (err: unknown) => logger.warn(`login throttle ${what} failed`, { error: err as Error });
    const { plan, leases } = admission;
    if (outcome === 'wrong-credentials') {
      await Promise.all(plan.chargeTo.map((pk) => this.countFailure(pk, pk === keys.ip ? this.limits.ip : this.limits.user))).catch(warn('count'));
    }
    const resets = outcome === 'success' ? admission.withCounter : [];
    const now = this.now();
    // Known for LOGIN_KNOWN_CLIENT_DAYS from its last success; the mark is written again at most once a day.
    const mark = outcome === 'success' && admission.knownUntil < now + this.limits.knownClientMs - 86_400_000;
    for (const pk of [...plan.chargeTo, ...resets]) if (outcome === 'wrong-credentials' || resets.includes(pk)) this.cache.forget(pk);
    await Promise.all([
      this.release(leases, resets),
      ...resets.filter((pk) => !(pk in leases)).map((pk) => this.store.reset(pk).catch(warn('reset'))),
      mark
        ? this.store
            .markKnown(keys.pair, now + this.limits.knownClientMs)
            .then(() => this.cache.rememberKnown(keys.pair, now + this.limits.knownClientMs))
            .catch(warn('known-client mark'))
        : undefined,
    ]);
  }

  private async release(leases: Record<string, number>, resets: string[] = []): Promise<void> {
    const warn = (err: unknown) => logger.warn('login throttle release failed', { error: err as Error });
    await Promise.all(
      Object.entries(leases).map(async ([pk, lease]) => {
        const left = await this.store.release(pk, lease, { reset: resets.includes(pk) }).catch(warn);
        if (typeof left === 'number') this.cache.rememberInFlight(pk, left);
      }),
    );
  }

  private async countFailure(pk: string, policy: BackoffPolicy): Promise<void> {
    const now = this.now();
    // Below the threshold one atomic increment does it, whatever the concurrency.
    if (await this.store.addBelow(pk, policy.maxFailures, now, now - policy.windowMs, Math.ceil((now + policy.windowMs) / 1000) + 60)) return;
    for (let i = 0; i < MAX_TRIES; i++) {
      const seen = (await this.store.get(pk, this.now(), IN_FLIGHT_LEASE_MS)).counter;
      const next = afterFailure(seen, this.now(), policy);
      if (await this.store.replace(pk, seen, next, expiresAt(next, policy))) return;
    }
    logger.warn('login throttle: a failure could not be counted (counter contended)');
  }
}
