import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';

let stack: LocalStack;
beforeAll(async () => {
  // Rare probe rounds: the test rewrites the stored state and reads it back before the next one.
  stack = await startLocalStack({ env: { MONITOR_PROBE_INTERVAL_MS: '5000' } });
});
afterAll(async () => stack?.close());

describe('GET /failover_monitoring/status', () => {
  it('lists servers in the configured order (BAM_SERVERS), whatever order the stored map comes back in', async () => {
    const configured = stack.env.BAM_SERVERS!.split(',').map((entry) => entry.split('=')[0]);
    expect(configured.length).toBeGreaterThan(1);
    // Real DynamoDB keeps no map order: store the servers map in reverse to stand for that.
    const { makeDocumentClient } = await import('../../functions/adapters/dynamo.js'); // after the stack set its env
    const db = makeDocumentClient(stack.env.AWS_ENDPOINT_URL_DYNAMODB);
    const Key = { pk: 'MONITOR', sk: 'STATE' };
    const stored = (await db.send(new GetCommand({ TableName: stack.env.TABLE_NAME, Key, ConsistentRead: true }))).Item!;
    const servers = stored.state.servers as Record<string, unknown>;
    const reversed = Object.fromEntries(
      Object.keys(servers)
        .reverse()
        .map((name) => [name, servers[name]]),
    );
    await db.send(
      new UpdateCommand({
        TableName: stack.env.TABLE_NAME,
        Key,
        UpdateExpression: 'SET #s.#servers = :r',
        ExpressionAttributeNames: { '#s': 'state', '#servers': 'servers' },
        ExpressionAttributeValues: { ':r': reversed },
      }),
    );
    db.destroy();

    const token = await login(stack.url, 'alice', 'alice-pass');
    const r = await call(stack.url, 'GET', '/failover_monitoring/status', { token });
    expect(r.status).toBe(200);
    expect(r.body.servers.map((s: { name: string }) => s.name)).toEqual(configured);
  });
});
