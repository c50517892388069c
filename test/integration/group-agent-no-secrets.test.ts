import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalEventBus } from '../../local/event-bus.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { DynamoGroupStore } from '../../functions/adapters/group-store.js';
import { freshTable } from '../support/dynamo.js';

/**
 * The group agent's function holds no secret and no key (docs/security.md: least privilege): its
 * environment has no service credentials, no CREDENTIAL_KEY, no secret ARN, no KMS key, and not even
 * the BAM servers. It must still run its rounds against the real (dynalite) table and bus.
 */
let t: Awaited<ReturnType<typeof freshTable>>;
let bus: LocalEventBus;

beforeAll(async () => {
  t = await freshTable();
  bus = await new LocalEventBus({ retries: 0, backoffMs: 10 }).start();
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: t.endpoint, TABLE_NAME: t.tableName, AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint, EVENT_BUS_NAME: 'gateway-test', NODE_ID: 'a' });
  for (const name of ['GATEWAY_SERVICE_USERNAME', 'GATEWAY_SERVICE_PASSWORD', 'CREDENTIAL_KEY', 'GATEWAY_SECRET_ARN', 'CREDENTIAL_KMS_KEY_ID', 'BAM_SERVERS']) delete process.env[name];
  vi.resetModules(); // the gateway modules read the environment when first imported
});
afterAll(async () => {
  await bus?.close();
  await t?.close();
});

describe('the group-agent handler without secrets', () => {
  it('runs a round: the first node creates the group and is its Primary', async () => {
    const { handler } = await import('../../functions/lambdas/group-agent.js');
    await expect(handler({ mode: 'once' }, lambdaContext('gateway-group-agent', 60_000))).resolves.toEqual({ ticks: 1, role: 'PRIMARY' });
    const group = await new DynamoGroupStore(t.db, t.tableName).get();
    expect(group?.primary).toBe('a');
  });
});
