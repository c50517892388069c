import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { freshTable } from '../support/dynamo.js';
import { warmUp } from '../../functions/wiring/warm-up.js';
import { bamConnections } from '../../functions/bam/keep-alive.js';

describe('warm-up at module init', () => {
  let cluster: SimCluster;
  let t: Awaited<ReturnType<typeof freshTable>>;
  beforeAll(async () => {
    cluster = await new SimCluster().start();
    t = await freshTable();
  });
  afterAll(async () => (await cluster.close(), await t.close()));

  it('reads the monitor state and leaves a keep-alive connection to the Primary open for the first request', async () => {
    const primaryUrl = cluster.server('bam1').url;
    await t.db.send(new PutCommand({ TableName: t.tableName, Item: { pk: 'MONITOR', sk: 'STATE', version: 1, state: { primaryUrl, monitoringState: 'MONITORING' } } }));
    await warmUp(t.tableName, t.db);
    expect(bamConnections()[new URL(primaryUrl).origin]).toEqual({ active: 0, idle: 1 });
  });

  it('is best effort: no table or no state answers without throwing', async () => {
    await expect(warmUp('no-such-table', t.db)).resolves.toBeUndefined();
    await expect(warmUp(undefined, t.db)).resolves.toBeUndefined();
  });
});
