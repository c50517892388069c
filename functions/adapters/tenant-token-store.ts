import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantTokenRecord, TenantTokenStore } from '../maintenance/ports.js';

/**
 * Tenant-token records (never the token itself), one item per token, all in one partition so that
 * every token, a tenant's or a tenant user's is one Query by sort-key prefix:
 *   TENANT_TOKENS / TENANT#<tenant>#USER#<user>#TOKEN#<jti>    claims; ttl = exp
 * Verifying a token is one strongly consistent GetItem built from its (signed) claims. Names
 * cannot contain `#` (checked at creation), so prefixes never collide.
 */
export const TENANT_TOKENS_PK = 'TENANT_TOKENS';

const prefix = (tenant?: string, user?: string) => (tenant === undefined ? 'TENANT#' : user === undefined ? `TENANT#${tenant}#USER#` : `TENANT#${tenant}#USER#${user}#TOKEN#`);
const keyOf = (r: Pick<TenantTokenRecord, 'tenant' | 'user' | 'jti'>) => ({ pk: TENANT_TOKENS_PK, sk: `${prefix(r.tenant, r.user)}${r.jti}` });

export class DynamoTenantTokenStore implements TenantTokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(r: TenantTokenRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keyOf(r),
          type: 'tenant-token',
          jti: r.jti,
          tokenUser: r.user,
          tenant: r.tenant,
          roles: r.roles,
          readPaths: r.readPaths,
          writePaths: r.writePaths,
          issuedAt: r.issuedAt,
          expiresAt: r.expiresAt,
          ttl: r.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tenant: string, user: string, jti: string): Promise<TenantTokenRecord | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keyOf({ tenant, user, jti }), ConsistentRead: true }));
    return res.Item ? toRecord(res.Item) : undefined;
  }

  async list(filter: { tenant?: string; user?: string }): Promise<TenantTokenRecord[]> {
    const out: TenantTokenRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': TENANT_TOKENS_PK, ':prefix': prefix(filter.tenant, filter.tenant === undefined ? undefined : filter.user) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map(toRecord));
      start = res.LastEvaluatedKey;
    } while (start);
    // A user without a tenant: filtered here (tokens are few; the prefix cannot express it).
    return filter.tenant === undefined && filter.user !== undefined ? out.filter((r) => r.user === filter.user) : out;
  }

  async delete(r: Pick<TenantTokenRecord, 'tenant' | 'user' | 'jti'>): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(r) }));
  }
}

function toRecord(i: Record<string, unknown>): TenantTokenRecord {
  return {
    jti: String(i.jti),
    user: String(i.tokenUser),
    tenant: String(i.tenant),
    roles: Array.isArray(i.roles) ? i.roles.map(String) : [],
    readPaths: String(i.readPaths),
    writePaths: String(i.writePaths),
    issuedAt: Number(i.issuedAt),
    expiresAt: Number(i.expiresAt),
  };
}
