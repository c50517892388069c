import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AirlockSessionStore } from '../maintenance/ports.js';
import { conditionally } from './dynamo.js';
import type { AirlockPrincipal } from '../maintenance/domain/contract.js';
import type { WorkingCopy } from '../maintenance/domain/configuration.js';
import type { AirlockSession } from '../maintenance/ports.js';
export type { AirlockSession };

const key = (idHash: string) => ({ pk: `AIRLOCK#SESSION#${idHash}`, sk: 'SESSION' });
/** DynamoDB TTL deletes late (up to days): expiry is checked on read; TTL only tidies up. */
const ttlOf = (expiresAt: number) => Math.ceil(expiresAt / 1000) + 3600;

/** REST sessions (AIRLOCK#SESSION#<sha256(JSESSIONID)> / SESSION): the id is stored only as its hash. */
export class DynamoAirlockSessionStore implements AirlockSessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(s: AirlockSession): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...key(s.idHash), type: 'airlock-session', ...s, ttl: ttlOf(s.expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(idHash: string): Promise<AirlockSession | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(idHash), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { principal, workingCopy, wcRev, createdAt, expiresAt } = res.Item as AirlockSession;
    return { idHash, principal, ...(workingCopy ? { workingCopy } : {}), ...(wcRev ? { wcRev } : {}), createdAt, expiresAt };
  }

  /** Slides the idle expiry; false when the session is gone. */
  async touch(idHash: string, expiresAt: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(idHash),
          UpdateExpression: 'SET expiresAt = :e, #ttl = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':e': expiresAt, ':t': ttlOf(expiresAt) },
        }),
      ),
    );
  }

  /**
   * Replaces the working copy (and slides the idle expiry) if it is still revision `readRev` (what
   * the caller read); 'conflict' when another call wrote it meanwhile, 'gone' when the session ended.
   */
  async saveWorkingCopy(idHash: string, expiresAt: number, workingCopy: WorkingCopy, readRev = 0): Promise<'saved' | 'conflict' | 'gone'> {
    const write = this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(idHash),
        UpdateExpression: 'SET expiresAt = :e, #ttl = :t, workingCopy = :w, wcRev = :next',
        ConditionExpression: `attribute_exists(pk) AND ${readRev ? 'wcRev = :rev' : 'attribute_not_exists(wcRev)'}`,
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':e': expiresAt, ':t': ttlOf(expiresAt), ':w': workingCopy, ':next': readRev + 1, ...(readRev ? { ':rev': readRev } : {}) },
      }),
    );
    if (await conditionally(write)) return 'saved';
    return (await this.get(idHash)) ? 'conflict' : 'gone';
  }

  async delete(idHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(idHash) }));
  }
}
