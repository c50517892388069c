import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { freshTable } from '../support/dynamo.js';
import { DynamoTenantTokenStore, TENANT_TOKENS_PK } from '../../functions/adapters/tenant-token-store.js';
import { TenantTokens, signingKey, type IssueRequest } from '../../functions/maintenance/tenant-token-service.js';

/** The DynamoDB adapter of tenant tokens (dynalite): what an item holds, and its prefix queries. The token rules: test/unit/tenant-tokens.test.ts. */
let t: Awaited<ReturnType<typeof freshTable>>;
let tokens: TenantTokens;
const request: IssueRequest = { user: 'tenant_user', tenant: 'myTenant', roles: ['airlock-administrator'], writePaths: '.*', readPaths: '.*' };

beforeAll(async () => {
  t = await freshTable();
  const key = signingKey(randomBytes(32).toString('base64'));
  tokens = new TenantTokens(new DynamoTenantTokenStore(t.db, t.tableName), async () => key);
});
afterAll(async () => t?.close());

describe('tenant tokens in the table', () => {
  it('records the claims by jti with a TTL at exp, never the token', async () => {
    const { token, record } = await tokens.issue({ ...request, expirySeconds: 600 });
    const item = (await t.db.send(new GetCommand({ TableName: t.tableName, Key: { pk: TENANT_TOKENS_PK, sk: `TENANT#myTenant#USER#tenant_user#TOKEN#${record.jti}` } }))).Item;
    expect(item).toMatchObject({ jti: record.jti, ttl: record.expiresAt, expiresAt: record.issuedAt + 600 });
    const all = await t.db.send(new QueryCommand({ TableName: t.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': TENANT_TOKENS_PK } }));
    expect(JSON.stringify(all.Items)).not.toContain(token.split('.')[2]);
  });

  it("lists all tokens, a tenant's or a user's, without the token", async () => {
    await tokens.issue({ ...request, user: 'kept_user' });
    await tokens.issue({ ...request, tenant: 'otherTenant', user: 'ops' });
    const all = await tokens.list();
    expect(all.some((r) => r.tenant === 'otherTenant')).toBe(true);
    expect((await tokens.list({ tenant: 'otherTenant' })).map((r) => r.user)).toEqual(['ops']);
    expect((await tokens.list({ user: 'ops' })).map((r) => r.tenant)).toEqual(['otherTenant']);
    expect((await tokens.list({ tenant: 'myTenant', user: 'kept_user' })).every((r) => r.user === 'kept_user')).toBe(true);
  });
});
