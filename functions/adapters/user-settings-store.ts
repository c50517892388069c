import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionLifetime } from '../sessions/domain/session-lifetime.js';
import type { UserSettings, UserSettingsReader } from '../sessions/ports.js';
import { readBatcher } from './read-batcher.js';

/**
 * Per-user settings an admin gives (today: the session lifetime), one item per user:
 *   PERMISSION#SETTINGS / USER#<lower-cased username>
 * Under the PERMISSION# prefix, which the admin API's function may already write (an account
 * setting sits with the account's permissions); `PERMISSION#<USER|GROUP>#...` items stay grants.
 * BAM user names are case-insensitive, so the key is lower-cased.
 */
const PK = 'PERMISSION#SETTINGS';
const key = (username: string) => ({ pk: PK, sk: `USER#${username.toLowerCase()}` });

export class DynamoUserSettingsStore implements UserSettingsReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The user's settings; undefined when an admin set none. Consistent: a change counts at the very next login. */
  async get(username: string): Promise<UserSettings | undefined> {
    const item = await readBatcher(this.db).get(this.tableName, key(username));
    return item ? settings(item) : undefined;
  }

  async setSessionLifetime(username: string, sessionLifetime: SessionLifetime, updatedBy: string): Promise<UserSettings> {
    const item: UserSettings = { username, sessionLifetime, updatedAt: Date.now(), updatedBy };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...key(username), type: 'user-settings', ...item } }));
    return item;
  }

  async clear(username: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(username) }));
  }

  /** Every user with settings (a few automation accounts: one partition). */
  async list(): Promise<UserSettings[]> {
    const out: UserSettings[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK }, ExclusiveStartKey: startKey }));
      out.push(...(res.Items ?? []).map(settings));
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) => a.username.localeCompare(b.username));
  }
}

function settings(item: Record<string, unknown>): UserSettings {
  const lifetime = item.sessionLifetime;
  return { username: String(item.username), sessionLifetime: typeof lifetime === 'number' ? lifetime : null, updatedAt: Number(item.updatedAt), updatedBy: String(item.updatedBy) };
}
