import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counter } from '../domain/login-backoff.js';
import { isConditionFailure } from './dynamo.js';

/**
 * Login attempt counters: `THROTTLE#USER#<sha256(lower-cased username)>[#IP#<ip>]` and
 * `THROTTLE#IP#<ip>`, sk `LOGIN`, TTL'd (`ttl`).
 */
export class DynamoThrottleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(pk: string): Promise<Counter | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' }, ConsistentRead: true }));
    const i = res?.Item;
    return i ? { failures: Number(i.failures ?? 0), windowStart: Number(i.windowStart ?? 0), blockedUntil: Number(i.blockedUntil ?? 0) } : undefined;
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

  /** Takes one failure back (never below zero); the block, if any, runs out by itself. */
  async subtract(pk: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' }, UpdateExpression: 'ADD failures :minus', ConditionExpression: 'failures > :zero', ExpressionAttributeValues: { ':minus': -1, ':zero': 0 } }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async delete(pk: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' } }));
  }
}
