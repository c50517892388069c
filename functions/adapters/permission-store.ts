import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PermissionStore, Principal } from '../permissions/ports.js';

export type { Principal };

/**
 * Workflow permissions, granted to users or to groups, and group membership:
 *   PERMISSION#USER#<username>  / <permission>
 *   PERMISSION#GROUP#<group>    / <permission>
 *   MEMBER#<username>           / GROUP#<group>
 */

type Key = { pk: string; sk: string };

const grantKey = (p: Principal, permission: string) => ({ pk: `PERMISSION#${p.kind.toUpperCase()}#${p.name}`, sk: permission });
const memberKey = (username: string, group: string) => ({ pk: `MEMBER#${username}`, sk: `GROUP#${group}` });

const BATCH_ATTEMPTS = 6;
const BATCH_BACKOFF_MS = 25;

export class DynamoPermissionStore implements PermissionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Whether the user holds the permission, directly or through one of their groups. */
  async has(username: string, permission: string): Promise<boolean> {
    // Strongly consistent reads: a grant or revoke just made must count on the very next request.
    const direct = await this.db.send(new GetCommand({ TableName: this.tableName, Key: grantKey({ kind: 'user', name: username }, permission), ConsistentRead: true }));
    if (direct.Item) return true;
    const groups = await this.groupsOf(username);
    const keys = groups.map((g) => grantKey({ kind: 'group', name: g }, permission));
    for (let i = 0; i < keys.length; i += 100) {
      if ((await this.batchGet(keys.slice(i, i + 100))) > 0) return true;
    }
    return false;
  }

  /**
   * How many of `keys` exist. Keys DynamoDB leaves unprocessed (throttling) are asked again with
   * backoff: skipping them would answer a spurious 403. Still unprocessed after every attempt: throws.
   */
  private async batchGet(keys: Key[]): Promise<number> {
    let found = 0;
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`permission read: ${pending.length} keys still unprocessed after ${BATCH_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, BATCH_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));
      const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      found += res.Responses?.[this.tableName]?.length ?? 0;
      if (found > 0) return found;
      pending = (res.UnprocessedKeys?.[this.tableName]?.Keys as Key[] | undefined) ?? [];
    }
    return found;
  }

  async grant(p: Principal, permission: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...grantKey(p, permission), type: 'permission', grantedAt: Date.now() } }));
  }

  async revoke(p: Principal, permission: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: grantKey(p, permission) }));
  }

  async permissionsOf(p: Principal): Promise<string[]> {
    const res = await this.db.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': grantKey(p, '').pk }, ConsistentRead: true }));
    return (res.Items ?? []).map((i) => String(i.sk));
  }

  async addMember(group: string, username: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...memberKey(username, group), type: 'membership', addedAt: Date.now() } }));
  }

  async removeMember(group: string, username: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: memberKey(username, group) }));
  }

  async groupsOf(username: string): Promise<string[]> {
    const res = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `MEMBER#${username}` }, ConsistentRead: true }),
    );
    return (res.Items ?? []).map((i) => String(i.sk).slice('GROUP#'.length));
  }
}
