import type { Counter } from '../../../functions/sessions/domain/login-backoff.js';
import type { Place, Slot, ThrottleStore } from '../../../functions/sessions/ports.js';

interface Item {
  counter?: Counter;
  inflight?: number;
  leaseAt?: number;
  turns: number;
}

/**
 * The login throttle's items in memory, with DynamoThrottleStore's conditional writes, each one
 * atomic: a place is taken only below the cap (a count at zero, or not back to zero for the
 * lease, starts over with it), given back only with its own lease, a failure counted only below
 * the limit within its window, a counter replaced only if it is still the one read.
 */
export class InMemoryThrottleStore implements ThrottleStore {
  readonly items = new Map<string, Item>();
  readonly known = new Map<string, number>();
  /** How many calls each method got: the tests of what a login costs read them. */
  readonly calls: Record<string, number> = {};

  async get(pk: string, now: number, leaseMs: number): Promise<Slot> {
    this.count('get');
    return this.slotOf(pk, now, leaseMs);
  }

  async read(pks: string[], knownPk: string | undefined, now: number, leaseMs: number): Promise<{ slots: Record<string, Slot>; knownUntil: number }> {
    this.count('read');
    const slots = Object.fromEntries(pks.map((pk) => [pk, this.slotOf(pk, now, leaseMs)]));
    return { slots, knownUntil: knownPk ? (this.known.get(knownPk) ?? 0) : 0 };
  }

  async acquire(pk: string, max: number, now: number, leaseMs: number, _seen?: Slot): Promise<Place | undefined> {
    this.count('acquire');
    const item = this.item(pk);
    const cutoff = now - leaseMs;
    const startsOver = item.inflight === undefined || item.leaseAt === undefined || item.inflight <= 0 || item.leaseAt <= cutoff;
    if (startsOver) Object.assign(item, { inflight: 1, leaseAt: now });
    else if (item.inflight! < max) item.inflight! += 1;
    else return undefined;
    return { lease: item.leaseAt!, ...(item.counter ? { counter: { ...item.counter } } : {}), inFlight: item.inflight! };
  }

  async release(pk: string, lease: number, opts: { reset?: boolean } = {}): Promise<number | undefined> {
    this.count('release');
    const item = this.item(pk);
    if (item.leaseAt !== lease || !(item.inflight! > 0)) {
      if (opts.reset) delete item.counter;
      return undefined;
    }
    item.inflight! -= 1;
    item.turns += 1;
    if (opts.reset) delete item.counter;
    return item.inflight;
  }

  async reset(pk: string): Promise<void> {
    this.count('reset');
    delete this.item(pk).counter;
  }

  async addBelow(pk: string, limit: number, now: number, windowStart: number, _ttl: number): Promise<boolean> {
    this.count('addBelow');
    const item = this.item(pk);
    const c = item.counter;
    if (c && !(c.failures < limit - 1 && c.windowStart > windowStart)) return false;
    item.counter = c ? { ...c, failures: c.failures + 1 } : { failures: 1, windowStart: now, blockedUntil: 0 };
    return true;
  }

  async replace(pk: string, seen: Counter | undefined, next: Counter, _ttl: number): Promise<boolean> {
    this.count('replace');
    const item = this.item(pk);
    const c = item.counter;
    if (seen ? !(c && c.failures === seen.failures && c.windowStart === seen.windowStart) : c !== undefined) return false;
    item.counter = { ...next };
    return true;
  }

  async markKnown(pairPk: string, until: number): Promise<void> {
    this.count('markKnown');
    this.known.set(pairPk, until);
  }

  private slotOf(pk: string, now: number, leaseMs: number): Slot {
    const i = this.items.get(pk);
    const live = i?.leaseAt !== undefined && i.leaseAt > now - leaseMs;
    return {
      ...(i?.counter ? { counter: { ...i.counter } } : {}),
      inFlight: live ? Math.max(0, i!.inflight ?? 0) : 0,
      ...(i?.leaseAt !== undefined ? { leaseAt: i.leaseAt } : {}),
      turns: i?.turns ?? 0,
    };
  }

  private item(pk: string): Item {
    let i = this.items.get(pk);
    if (!i) this.items.set(pk, (i = { turns: 0 }));
    return i;
  }

  private count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }
}
