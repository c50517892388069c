import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counter } from '../domain/login-backoff.js';
import { isConditionFailure } from './dynamo.js';

/**
 * Login attempt counters: `THROTTLE#USER#<sha256(lower-cased username)>[#IP#<ip>]` and
 * `THROTTLE#IP#<ip>`, sk `LOGIN`, TTL'd. Each write is conditional on the version read, so
 * concurrent attempts are counted one by one.
 */
export interface VersionedCounter {
  counter: Counter | undefined;
  version: number;
}

export class DynamoThrottleStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(pk: string): Promise<VersionedCounter> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' }, ConsistentRead: true }));
    const i = res.Item;
    if (!i) return { counter: undefined, version: 0 };
    return { counter: { failures: Number(i.failures), windowStart: Number(i.windowStart), blockedUntil: Number(i.blockedUntil) }, version: Number(i.version) };
  }

  /** Writes the counter if nobody changed it since `version` was read; false when someone did. */
  async put(pk: string, counter: Counter, version: number, ttl: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: 'LOGIN', type: 'login-throttle', ...counter, version: version + 1, ttl },
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async delete(pk: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: 'LOGIN' } }));
  }
}
