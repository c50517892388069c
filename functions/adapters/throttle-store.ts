import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counter } from '../domain/login-backoff.js';
import { conditionally, isConditionFailure } from './dynamo.js';

const IN_FLIGHT = 'IN_FLIGHT';
const BATCH_ATTEMPTS = 4;

/** What a login of known-right credentials is decided on, read at once. */
export interface LoginCounts {
  user?: Counter;
  ip?: Counter;
  userInFlight: number;
  ipInFlight: number;
}

const counter = (i: Record<string, unknown> | undefined): Counter | undefined =>
  i ? { failures: Number(i.failures ?? 0), windowStart: Number(i.windowStart ?? 0), blockedUntil: Number(i.blockedUntil ?? 0) } : undefined;
const inFlightOf = (i: Record<string, unknown> | undefined, now: number, leaseMs: number) => (i && Number(i.windowStart) > now - leaseMs ? Number(i.inflight ?? 0) : 0);

/**
 * Login throttling items, TTL'd (`ttl`). Failed-login counters: `THROTTLE#USER#<sha256(lower-cased
 * username)>[#IP#<address>]` and `THROTTLE#IP#<address>`, sk `LOGIN`. Logins in flight (asking
 * BAM now) of a username and of an address: the same pks, sk `IN_FLIGHT` (`inflight`, and the
 * `windowStart` of that count).
 */
export class DynamoThrottleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(pk: string): Promise<Counter | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' }, ConsistentRead: true }));
    return counter(res?.Item);
  }

  /**
   * Both failure counters and both counts in flight of a login, in one consistent BatchGetItem
   * (a login of known-right credentials decides on these alone). Keys left unprocessed are asked
   * again with backoff; still unprocessed after every attempt: throws (a 500, never a wrong answer).
   */
  async loginCounts(keys: { user: string; ip: string }, now: number, leaseMs: number): Promise<LoginCounts> {
    const items = new Map<string, Record<string, unknown>>();
    let pending: Record<string, string>[] = [keys.user, keys.ip].flatMap((pk) => [
      { pk, sk: 'LOGIN' },
      { pk, sk: IN_FLIGHT },
    ]);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`login throttle read: ${pending.length} keys still unprocessed after ${BATCH_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** (attempt - 1) * (0.5 + Math.random())));
      const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const i of res.Responses?.[this.tableName] ?? []) items.set(`${String(i.pk)} ${String(i.sk)}`, i);
      pending = (res.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, string>[] | undefined) ?? [];
    }
    const item = (pk: string, sk: string) => items.get(`${pk} ${sk}`);
    return {
      ...(item(keys.user, 'LOGIN') ? { user: counter(item(keys.user, 'LOGIN')) } : {}),
      ...(item(keys.ip, 'LOGIN') ? { ip: counter(item(keys.ip, 'LOGIN')) } : {}),
      userInFlight: inFlightOf(item(keys.user, IN_FLIGHT), now, leaseMs),
      ipInFlight: inFlightOf(item(keys.ip, IN_FLIGHT), now, leaseMs),
    };
  }

  /**
   * Counts one failure atomically if the counter stays below `limit` within its window (the
   * common case, free of contention); false when it would not (then decide on a read).
   */
  async addBelow(pk: string, limit: number, now: number, windowStart: number, ttl: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: 'LOGIN' },
          UpdateExpression: 'SET windowStart = if_not_exists(windowStart, :now), blockedUntil = if_not_exists(blockedUntil, :zero), #ttl = :ttl ADD failures :one',
          ConditionExpression: 'attribute_not_exists(pk) OR (failures < :below AND windowStart > :cutoff)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': now, ':zero': 0, ':ttl': ttl, ':one': 1, ':below': limit - 1, ':cutoff': windowStart },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Replaces the counter if it is still the one read (`seen`); false when it changed meanwhile. */
  async replace(pk: string, seen: Counter | undefined, next: Counter, ttl: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: 'LOGIN', type: 'login-throttle', ...next, ttl },
          ...(seen
            ? { ConditionExpression: 'failures = :f AND windowStart = :w', ExpressionAttributeValues: { ':f': seen.failures, ':w': seen.windowStart } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Counts one more login of `pk` in flight if fewer than `max` are (one atomic ADD); answers the
   * lease to give back with `release`, or undefined when `max` are in flight. A count that has not
   * been back to zero for `leaseMs` is started over (its attempts crashed or are long gone).
   */
  async acquire(pk: string, max: number, now: number, leaseMs: number): Promise<number | undefined> {
    const ttl = Math.ceil((now + leaseMs) / 1000) + 60;
    for (let i = 0; i < 3; i++) {
      try {
        const res = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: IN_FLIGHT },
            UpdateExpression: 'SET windowStart = if_not_exists(windowStart, :now), #ttl = if_not_exists(#ttl, :ttl) ADD inflight :one',
            ConditionExpression: 'attribute_not_exists(pk) OR (inflight < :max AND windowStart > :cutoff)',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':now': now, ':ttl': ttl, ':one': 1, ':max': max, ':cutoff': now - leaseMs },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Number(res?.Attributes?.windowStart ?? now);
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const seen = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: IN_FLIGHT }, ConsistentRead: true }))).Item;
      if (seen && Number(seen.windowStart) > now - leaseMs) return undefined; // `max` in flight
      const restarted = await conditionally(
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk, sk: IN_FLIGHT, type: 'login-in-flight', inflight: 1, windowStart: now, ttl },
            ...(seen ? { ConditionExpression: 'windowStart = :w', ExpressionAttributeValues: { ':w': seen.windowStart } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        ),
      );
      if (restarted) return now;
    }
    return undefined;
  }

  /**
   * Gives back a lease from `acquire` (a count started over since is left alone). The count is
   * deleted once back to zero, so each burst starts a fresh lease window.
   */
  async release(pk: string, lease: number): Promise<void> {
    try {
      const res = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: IN_FLIGHT },
          UpdateExpression: 'ADD inflight :minus',
          ConditionExpression: 'windowStart = :w AND inflight > :zero',
          ExpressionAttributeValues: { ':minus': -1, ':w': lease, ':zero': 0 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (Number(res?.Attributes?.inflight ?? 0) > 0) return;
      await conditionally(
        this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk, sk: IN_FLIGHT },
            ConditionExpression: 'windowStart = :w AND inflight = :zero',
            ExpressionAttributeValues: { ':w': lease, ':zero': 0 },
          }),
        ),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async delete(pk: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' } }));
  }
}
