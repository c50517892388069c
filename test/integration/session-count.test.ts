import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { hashToken } from '../../functions/sessions/domain/tokens.js';
import { call, eventually, login } from '../support/client.js';

/**
 * docs/maintenance.md session counts over real HTTP: `SessionCount.Count` per host in the Airlock status counts
 * the sessions the host would still serve. Pinned and alias sessions count; logout, revocation and
 * expiry take them off; a failover moves the alias sessions' count to the new Primary as they rebind.
 */
let stack: LocalStack;
let base: string;
let jsession: string;
let svc: string;

beforeAll(async () => {
  stack = await startLocalStack();
  base = stack.url;
  svc = await login(base, 'gateway-svc', 'gateway-svc-pass'); // restorable, alias, bound to bam1: counts
  const r = await call(base, 'POST', '/airlock/rest/session/create', { headers: { authorization: `Bearer ${svc}` } });
  expect(r.status).toBe(200);
  jsession = r.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await stack?.close();
});

async function counts(): Promise<Record<string, number>> {
  const r = await call(base, 'GET', '/airlock/rest/system/status/back-end-groups/address-manager', { headers: { cookie: jsession } });
  expect(r.status).toBe(200);
  return Object.fromEntries(r.body.data.attributes.backendHosts.map((h: { name: string; SessionCount: { Count: number } }) => [h.name, h.SessionCount.Count]));
}

const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
const monitor = async () => (await call(base, 'GET', '/failover_monitoring/status', { token: svc })).body;

/** Time passing, for one session: its stored expiry moves into the past (the session service refuses it then). */
async function expire(token: string): Promise<void> {
  // Not functions/adapters/dynamo.js: importing it here would build its module-scope client before the stack sets the endpoint.
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  await db.send(
    new UpdateCommand({
      TableName: stack.env.TABLE_NAME!,
      Key: { pk: `SESSION#${hashToken(token)}`, sk: 'SESSION' },
      UpdateExpression: 'SET expiresAt = :e',
      ExpressionAttributeValues: { ':e': Date.now() - 1 },
    }),
  );
  db.destroy();
}

describe('session counts per host', () => {
  it('counts pinned and alias sessions of the Primary; logout, revocation and expiry take them off', async () => {
    expect(await counts()).toEqual({ bam1: 1, bam2: 0 }); // the service user's own session
    const alias = await login(base, 'alice', 'alice-pass');
    const pinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    const other = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    expect(await counts()).toEqual({ bam1: 4, bam2: 0 });

    expect((await call(base, 'POST', '/rest_logout', { token: alias })).status).toBe(200);
    expect(await counts()).toEqual({ bam1: 3, bam2: 0 });

    await expire(pinned);
    expect(await counts()).toEqual({ bam1: 2, bam2: 0 });
    expect((await configurations(pinned)).status).toBe(401);

    expect((await call(base, 'DELETE', '/admin/users/alice/sessions', { token: svc })).status).toBe(200);
    expect((await configurations(other)).status).toBe(401);
    expect(await counts()).toEqual({ bam1: 1, bam2: 0 });
  });

  it('a failover takes the old Primary to 0 and moves alias sessions to the new Primary as they rebind or end', async () => {
    const restorable = await login(base, 'gateway-svc', 'gateway-svc-pass');
    const alias = await login(base, 'alice', 'alice-pass');
    const pinned = await login(base, 'alice', 'alice-pass', { bam_alias: 'bam1' });
    expect(await counts()).toEqual({ bam1: 4, bam2: 0 });

    await call(base, 'POST', '/_local/bam/bam1/stop');
    await eventually(async () => (await monitor()).monitoring_state === 'FAILOVER_IN_PROGRESS', 8000, 'bam1 lost');
    expect(await counts()).toEqual({ bam1: 0, bam2: 0 }); // no Primary; bam1's pinned sessions ended with it

    await call(base, 'POST', '/_local/bam/bam2/promote');
    await eventually(async () => (await monitor()).monitoring_state === 'MONITORING', 8000, 'bam2 confirmed');
    expect(await counts()).toEqual({ bam1: 0, bam2: 1 }); // only svc, which asked for the status, has rebound

    expect((await configurations(restorable)).status).toBe(200); // rebinds to bam2, same token
    expect(await counts()).toEqual({ bam1: 0, bam2: 2 });
    expect((await configurations(alias)).status).toBe(401); // ended by the failover
    expect((await configurations(pinned)).status).toBe(401);
    await login(base, 'alice', 'alice-pass');
    expect(await counts()).toEqual({ bam1: 0, bam2: 3 });
  });
});
