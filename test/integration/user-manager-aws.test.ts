import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freshTable } from '../support/dynamo.js';
import { userManager } from '../../bin/user-manager-cli.js';
import { DynamoTenantTokenStore } from '../../functions/adapters/tenant-token-store.js';
import { TenantTokens, signingKey } from '../../functions/maintenance/tenant-token-service.js';

/**
 * `npm run user-manager -- --table ... --secret-arn ...`: the same commands against a deployed
 * table and key. The table is dynalite (AWS_ENDPOINT_URL_DYNAMODB); Secrets Manager, which has no local
 * stand-in, is mocked. A token the CLI creates verifies with the secret's key, and --delete revokes it.
 */
const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:tenant-token-key';
const material = randomBytes(48).toString('base64url');
let t: Awaited<ReturnType<typeof freshTable>>;
let tokens: TenantTokens;

beforeAll(async () => {
  t = await freshTable();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = t.endpoint;
  sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: material });
  tokens = new TenantTokens(new DynamoTenantTokenStore(t.db, t.tableName), async () => signingKey(material));
});
afterAll(async () => t?.close());

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await userManager([...argv, '--table', t.tableName, '--secret-arn', ARN, '--region', 'eu-west-1'], { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run user-manager against a deployed stack', () => {
  it("creates with the secret's key, lists and revokes in the table; audits to stderr, never the token", async () => {
    const created = await run('-u', 'tenant_user', '-t', 'myTenant', '-r', 'airlock-administrator', '-W', '.*', '-R', '.*');
    expect(created.code).toBe(0);
    await expect(tokens.verify(created.out)).resolves.toMatchObject({ user: 'tenant_user', tenant: 'myTenant' });
    expect(created.err).toMatch(/"action":"maintenance".*tenant-token create myTenant\/tenant_user.*"audit":true/);
    expect(created.err).not.toContain(created.out);
    expect((await run('--list')).out).toContain('myTenant/tenant_user');
    expect((await run('--delete', '-u', 'tenant_user', '-t', 'myTenant')).out).toMatch(/^revoked 1 token/);
    await expect(tokens.verify(created.out)).rejects.toMatchObject({ status: 401, code: 'InvalidToken' });
  });
});
