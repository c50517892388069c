import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import type { WorkingCopy } from '../maintenance/domain/configuration.js';
import type { MaintenanceSession, MaintenanceSessionStore, WorkingCopySave } from '../maintenance/ports.js';

// The stored names (key prefix AIRLOCK#SESSION#, type airlock-session) stay as deployed tables and IAM conditions know them.
const key = (idHash: string) => ({ pk: `AIRLOCK#SESSION#${idHash}`, sk: 'SESSION' });
/** DynamoDB TTL deletes late (up to days): expiry is checked on read; TTL only tidies up. */
const ttlOf = (expiresAt: number) => Math.ceil(expiresAt / 1000) + 3600;

/** Maintenance sessions (AIRLOCK#SESSION#<sha256(JSESSIONID)> / SESSION): the id is stored only as its hash. */
export class DynamoMaintenanceSessionStore implements MaintenanceSessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(s: MaintenanceSession): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...key(s.idHash), type: 'airlock-session', ...s, ttl: ttlOf(s.expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(idHash: string): Promise<MaintenanceSession | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(idHash), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { principal, workingCopy, wcRev, createdAt, expiresAt } = res.Item as MaintenanceSession;
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

  async saveWorkingCopy(idHash: string, expiresAt: number, workingCopy: WorkingCopy, readRev = 0): Promise<WorkingCopySave> {
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
