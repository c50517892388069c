import { GetCommand, PutCommand, DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Workflow permissions granted to users, one item per grant:
 *   PERMISSION#USER#<username> / <permission>
 */
export class DynamoPermissionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async has(username: string, permission: string): Promise<boolean> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PERMISSION#USER#${username}`, sk: permission } }));
    return Boolean(res.Item);
  }

  async grant(username: string, permission: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `PERMISSION#USER#${username}`, sk: permission, type: 'permission', grantedAt: Date.now() } }));
  }

  async revoke(username: string, permission: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `PERMISSION#USER#${username}`, sk: permission } }));
  }

  async list(username: string): Promise<string[]> {
    const res = await this.db.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `PERMISSION#USER#${username}` } }));
    return (res.Items ?? []).map((i) => String(i.sk));
  }
}
