import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import type { AirlockPrincipal } from '../maintenance/contract.js';
import type { WorkingCopy } from '../maintenance/configuration.js';

/** A REST session of the maintenance API: who opened it, and its working copy once loaded. No token. */
export interface AirlockSession {
  idHash: string;
  principal: AirlockPrincipal;
  workingCopy?: WorkingCopy;
  createdAt: number;
  expiresAt: number;
}

const key = (idHash: string) => ({ pk: `AIRLOCK#SESSION#${idHash}`, sk: 'SESSION' });
/** DynamoDB TTL deletes late (up to days): expiry is checked on read; TTL only tidies up. */
const ttlOf = (expiresAt: number) => Math.ceil(expiresAt / 1000) + 3600;

/** REST sessions (AIRLOCK#SESSION#<sha256(JSESSIONID)> / SESSION): the id is stored only as its hash. */
export class DynamoAirlockSessionStore {
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
    const { principal, workingCopy, createdAt, expiresAt } = res.Item as AirlockSession;
    return { idHash, principal, ...(workingCopy ? { workingCopy } : {}), createdAt, expiresAt };
  }

  /** Slides the idle expiry and, when given, replaces the working copy; false when the session is gone. */
  async touch(idHash: string, expiresAt: number, workingCopy?: WorkingCopy): Promise<boolean> {
    const sets = ['expiresAt = :e', '#ttl = :t', ...(workingCopy ? ['workingCopy = :w'] : [])];
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(idHash),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':e': expiresAt, ':t': ttlOf(expiresAt), ...(workingCopy ? { ':w': workingCopy } : {}) },
        }),
      ),
    );
  }

  async delete(idHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(idHash) }));
  }
}
