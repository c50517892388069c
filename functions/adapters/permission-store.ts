import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Workflow permissions, granted to users or to groups, and group membership:
 *   PERMISSION#USER#<username>  / <permission>
 *   PERMISSION#GROUP#<group>    / <permission>
 *   MEMBER#<username>           / GROUP#<group>
 */
export type Principal = { kind: 'user' | 'group'; name: string };

const grantKey = (p: Principal, permission: string) => ({ pk: `PERMISSION#${p.kind.toUpperCase()}#${p.name}`, sk: permission });
const memberKey = (username: string, group: string) => ({ pk: `MEMBER#${username}`, sk: `GROUP#${group}` });

export class DynamoPermissionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Whether the user holds the permission, directly or through one of their groups. */
  async has(username: string, permission: string): Promise<boolean> {
    const direct = await this.db.send(new GetCommand({ TableName: this.tableName, Key: grantKey({ kind: 'user', name: username }, permission) }));
    if (direct.Item) return true;
    const groups = await this.groupsOf(username);
    if (groups.length === 0) return false;
    const res = await this.db.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: groups.slice(0, 100).map((g) => grantKey({ kind: 'group', name: g }, permission)) } } }),
    );
    return (res.Responses?.[this.tableName]?.length ?? 0) > 0;
  }

  async grant(p: Principal, permission: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...grantKey(p, permission), type: 'permission', grantedAt: Date.now() } }));
  }

  async revoke(p: Principal, permission: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: grantKey(p, permission) }));
  }

  async permissionsOf(p: Principal): Promise<string[]> {
    const res = await this.db.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': grantKey(p, '').pk } }));
    return (res.Items ?? []).map((i) => String(i.sk));
  }

  async addMember(group: string, username: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...memberKey(username, group), type: 'membership', addedAt: Date.now() } }));
  }

  async removeMember(group: string, username: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: memberKey(username, group) }));
  }

  async groupsOf(username: string): Promise<string[]> {
    const res = await this.db.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `MEMBER#${username}` } }));
    return (res.Items ?? []).map((i) => String(i.sk).slice('GROUP#'.length));
  }
}
