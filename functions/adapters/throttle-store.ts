import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ThrottleStore } from '../sessions/ports.js';
import type { Counter } from '../sessions/domain/login-backoff.js';
import { isConditionFailure } from './dynamo.js';
import type { Slot, Place } from '../sessions/ports.js';
export type { Slot, Place };

const BATCH_ATTEMPTS = 4;
const LOGIN = 'LOGIN';
const KNOWN = 'KNOWN';

// Every attribute by placeholder: no expression can trip over a reserved word.
const NAMES = { '#f': 'failures', '#w': 'windowStart', '#b': 'blockedUntil', '#n': 'inflight', '#l': 'leaseAt', '#r': 'turns', '#ttl': 'ttl' };
const counterOf = (i: Record<string, unknown> | undefined): Counter | undefined =>
  i && i.failures !== undefined ? { failures: Number(i.failures), windowStart: Number(i.windowStart ?? 0), blockedUntil: Number(i.blockedUntil ?? 0) } : undefined;
const live = (i: Record<string, unknown> | undefined, now: number, leaseMs: number) => i?.leaseAt !== undefined && Number(i.leaseAt) > now - leaseMs;
const slotOf = (i: Record<string, unknown> | undefined, now: number, leaseMs: number): Slot => ({
  ...(counterOf(i) ? { counter: counterOf(i) } : {}),
  inFlight: live(i, now, leaseMs) ? Math.max(0, Number(i!.inflight ?? 0)) : 0,
  ...(i?.leaseAt !== undefined ? { leaseAt: Number(i.leaseAt) } : {}),
  turns: Number(i?.turns ?? 0),
});

/**
 * Login throttling items, TTL'd (`ttl`), one per key (sk `LOGIN`): `THROTTLE#USER#<sha256(lower-cased
 * username)>`, `THROTTLE#USER#<hash>#IP#<address>`, `THROTTLE#IP#<address>`, `THROTTLE#DEVICE#<id>`.
 * Each holds a failure counter (`failures`, `windowStart`, `blockedUntil`) and a count of logins in
 * flight (`inflight`, started at `leaseAt`; `turns` counts places given back), so taking a place
 * also reads the counter, atomically.
 * The mark that a username logged in from an address: the pair's pk, sk `KNOWN` (`knownUntil`).
 */
export class DynamoThrottleStore implements ThrottleStore {
  private readonly givingBack = new Map<string, { places: number; left: Promise<number | undefined> }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(pk: string, now: number, leaseMs: number): Promise<Slot> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: LOGIN }, ConsistentRead: true }));
    return slotOf(res?.Item, now, leaseMs);
  }

  /**
   * The items of `pks` and, with `knownPk`, until when that pair is known (0: not), in one
   * consistent BatchGetItem. Keys left unprocessed are asked again with backoff; still unprocessed
   * after every attempt: throws (a 500, never a wrong answer).
   */
  async read(pks: string[], knownPk: string | undefined, now: number, leaseMs: number): Promise<{ slots: Record<string, Slot>; knownUntil: number }> {
    const items = new Map<string, Record<string, unknown>>();
    let pending: Record<string, string>[] = [...new Set(pks)].map((pk) => ({ pk, sk: LOGIN }));
    if (knownPk) pending.push({ pk: knownPk, sk: KNOWN });
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`login throttle read: ${pending.length} keys still unprocessed after ${BATCH_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** (attempt - 1) * (0.5 + Math.random())));
      const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const i of res?.Responses?.[this.tableName] ?? []) items.set(`${String(i.pk)} ${String(i.sk)}`, i);
      pending = (res?.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, string>[] | undefined) ?? [];
    }
    const slots = Object.fromEntries(pks.map((pk) => [pk, slotOf(items.get(`${pk} ${LOGIN}`), now, leaseMs)]));
    return { slots, knownUntil: knownPk ? Number(items.get(`${knownPk} ${KNOWN}`)?.knownUntil ?? 0) : 0 };
  }

  /**
   * Takes one place in the count of `pk` if fewer than `max` are in flight (one conditional write,
   * two when `seen` guessed wrong); undefined when `max` are. A count at zero, or not back to zero
   * for `leaseMs` (its attempts crashed or are long gone), is started over with this place.
   */
  async acquire(pk: string, max: number, now: number, leaseMs: number, seen?: Slot): Promise<Place | undefined> {
    const ttl = Math.ceil((now + leaseMs) / 1000) + 60;
    const start = () =>
      this.update(pk, {
        UpdateExpression: 'SET #n = :one, #l = :now, #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: 'attribute_not_exists(#n) OR attribute_not_exists(#l) OR #n <= :zero OR #l <= :cutoff',
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':ttl': ttl, ':zero': 0, ':cutoff': now - leaseMs },
      });
    const join = () =>
      this.update(pk, {
        UpdateExpression: 'ADD #n :one',
        ConditionExpression: '#n > :zero AND #n < :max AND #l > :cutoff',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':max': max, ':cutoff': now - leaseMs },
      });
    const [first, second] = seen && seen.inFlight > 0 ? [join, start] : [start, join];
    const item = (await first()) ?? (await second());
    return item ? { lease: Number(item.leaseAt ?? now), ...(counterOf(item) ? { counter: counterOf(item) } : {}), inFlight: Number(item.inflight ?? 1) } : undefined;
  }

  /**
   * Gives back a place from `acquire` (a count started over since is left alone); `reset` also
   * clears the failure counter (a right password), in the same write when the place is still
   * counted. Answers how many are left in flight (undefined when the count had started over).
   */
  async release(pk: string, lease: number, opts: { reset?: boolean } = {}): Promise<number | undefined> {
    if (!opts.reset) return this.giveBackTogether(pk, lease);
    return this.releaseOne(pk, lease, opts);
  }

  /**
   * Places of the same count given back in the same turn of the event loop (a burst of logins that
   * BAM answered together) go back in one write: a login costs the table less the busier it is.
   * Each gets the count left after the write.
   */
  private giveBackTogether(pk: string, lease: number): Promise<number | undefined> {
    const id = `${pk}\u0000${lease}`;
    let group = this.givingBack.get(id);
    if (!group) {
      const g = { places: 0, left: undefined as unknown as Promise<number | undefined> };
      g.left = new Promise<void>((r) => setImmediate(r)).then(() => {
        this.givingBack.delete(id);
        return this.giveBack(pk, lease, g.places);
      });
      this.givingBack.set(id, (group = g));
    }
    group.places++;
    return group.left;
  }

  private async giveBack(pk: string, lease: number, places: number): Promise<number | undefined> {
    if (places === 1) return this.releaseOne(pk, lease);
    let retried = false;
    const given = await this.update(
      pk,
      {
        UpdateExpression: 'ADD #n :minus, #r :places',
        ConditionExpression: '#l = :lease AND #n >= :places',
        ExpressionAttributeValues: { ':minus': -places, ':places': places, ':lease': lease },
      },
      (attempts) => (retried = attempts > 1),
    );
    if (given) return Number(given.inflight ?? 0);
    // Refused on a retry of the SDK's: the first attempt may have applied, so nothing more is given
    // back (at worst the places stay counted until their lease runs out, never given back twice).
    if (retried) return undefined;
    // Fewer counted than given back (leases ran out meanwhile), or started over: one at a time, as alone.
    let left: number | undefined;
    for (let i = 0; i < places; i++) left = await this.releaseOne(pk, lease);
    return left;
  }

  private async releaseOne(pk: string, lease: number, opts: { reset?: boolean } = {}): Promise<number | undefined> {
    const given = await this.update(pk, {
      UpdateExpression: `ADD #n :minus, #r :one${opts.reset ? ' REMOVE #f, #w, #b' : ''}`,
      ConditionExpression: '#l = :lease AND #n > :zero',
      ExpressionAttributeValues: { ':minus': -1, ':one': 1, ':lease': lease, ':zero': 0 },
    });
    if (!given && opts.reset) await this.reset(pk);
    return given ? Number(given.inflight ?? 0) : undefined;
  }

  /** Clears the failure counter of `pk` (a right password), leaving its count in flight alone. */
  async reset(pk: string): Promise<void> {
    await this.update(pk, { UpdateExpression: 'REMOVE #f, #w, #b', ConditionExpression: 'attribute_exists(#f)' });
  }

  /**
   * Counts one failure atomically if the counter stays below `limit` within its window (the
   * common case, free of contention); false when it would not (then decide on a read).
   */
  async addBelow(pk: string, limit: number, now: number, windowStart: number, ttl: number): Promise<boolean> {
    return Boolean(
      await this.update(pk, {
        UpdateExpression: 'SET #w = if_not_exists(#w, :now), #b = if_not_exists(#b, :zero), #ttl = :ttl ADD #f :one',
        ConditionExpression: 'attribute_not_exists(#f) OR (#f < :below AND #w > :cutoff)',
        ExpressionAttributeValues: { ':now': now, ':zero': 0, ':ttl': ttl, ':one': 1, ':below': limit - 1, ':cutoff': windowStart },
      }),
    );
  }

  /** Replaces the counter if it is still the one read (`seen`); false when it changed meanwhile. The count in flight is left alone. */
  async replace(pk: string, seen: Counter | undefined, next: Counter, ttl: number): Promise<boolean> {
    return Boolean(
      await this.update(pk, {
        UpdateExpression: 'SET #f = :f, #w = :w, #b = :b, #ttl = :ttl',
        ConditionExpression: seen ? '#f = :sf AND #w = :sw' : 'attribute_not_exists(#f)',
        ExpressionAttributeValues: { ':f': next.failures, ':w': next.windowStart, ':b': next.blockedUntil, ':ttl': ttl, ...(seen ? { ':sf': seen.failures, ':sw': seen.windowStart } : {}) },
      }),
    );
  }

  /** Marks that the username of `pairPk` logged in successfully from its address, until `until` (epoch ms). */
  async markKnown(pairPk: string, until: number): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: pairPk, sk: KNOWN, type: 'login-known-client', knownUntil: until, ttl: Math.ceil(until / 1000) + 60 } }));
  }

  /** One conditional update of `pk`'s LOGIN item: its attributes after it, or undefined when the condition failed. */
  private async update(
    pk: string,
    u: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
    /** Told how many attempts a refused write took. */
    refusedAfter?: (attempts: number) => void,
  ) {
    const used = Object.fromEntries(Object.entries(NAMES).filter(([k]) => `${u.UpdateExpression} ${u.ConditionExpression}`.includes(k)));
    try {
      const res = await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: { pk, sk: LOGIN }, ...u, ExpressionAttributeNames: used, ReturnValues: 'ALL_NEW' }));
      return (res?.Attributes ?? {}) as Record<string, unknown>;
    } catch (err) {
      if (isConditionFailure(err)) {
        refusedAfter?.((err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1);
        return undefined;
      }
      throw err;
    }
  }
}
