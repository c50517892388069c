import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { DynamoMonitorStore } from '../../functions/adapters/monitor-store.js';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import { probeServer } from '../../functions/bam/probe.js';
import { SystemInfoSessions } from '../../functions/bam/system-info-sessions.js';
import { BamV2Client } from '../../functions/bam/v2-client.js';
import { freshTable } from '../support/dynamo.js';

/**
 * Issue 24 item 3: a Primary stopped for 100 ms ten times, 500 ms apart, that answers calls between
 * the outages is not declared lost (failures are consecutive only with no success between them,
 * HAProxy's `fall`), and its outages still show. Probe settings: every 1 s, 2 failures. The
 * monitor here runs no loop: each outage is seen by the probe a refused call triggers, as in the
 * issue, and calls the Primary serves in between go through the real BAM client.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the monitor, with real probes and real calls', () => {
  let cluster: SimCluster;
  let t: Awaited<ReturnType<typeof freshTable>>;
  beforeAll(async () => {
    cluster = await new SimCluster().start();
    t = await freshTable();
  });
  afterAll(async () => {
    await cluster?.close();
    await t?.close();
  });

  it('each outage seen by a request-triggered probe, calls served between them: never DOWN, every outage counted', async () => {
    const url = (name: string) => cluster.server(name).url;
    const sessions = new SystemInfoSessions({ username: 'gateway-svc', password: 'gateway-svc-pass' });
    const store = new DynamoMonitorStore(t.db, t.tableName);
    const monitor = new FailoverMonitor({
      servers: ['bam1', 'bam2'].map((name) => ({ name, url: url(name) })),
      settings: { failuresBeforeFailover: 2, probeIntervalMs: 1000 },
      probeTimeoutMs: 500,
      store,
      publisher: { publish: async (events) => ({ published: events.map((e) => e.id), failed: [] }) },
      probe: (name, u, timeoutMs) => probeServer(name, u, timeoutMs, { systemInfo: () => sessions.systemInfo(name, u, timeoutMs) }),
    });
    await monitor.round();
    const { epoch } = (await store.get())!.state;
    const client = new BamV2Client(url('bam1'), 1000);
    await client.login('alice', 'alice-pass');
    await sleep(20); // an answer the very millisecond a probe begins counts as after it
    const bam1 = cluster.server('bam1');
    for (let k = 0; k < 10; k++) {
      const began = Date.now();
      await bam1.stop({ keepSessions: true });
      await monitor.probeNow(0); // what a refused call does
      await sleep(100 - (Date.now() - began));
      await bam1.start();
      await client.httpGet('/configurations'); // a call the Primary serves between outages
      await sleep(500 - (Date.now() - began));
    }
    const state = (await store.get())!.state;
    // Before: three failures 1 s apart with nothing between them in the count: the Primary was lost.
    expect(state).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam1', epoch });
    expect(state.servers.bam1).toMatchObject({ health: 'UP', outages: 10, lastFailure: expect.stringMatching(/unreachable/) });
  });
});
