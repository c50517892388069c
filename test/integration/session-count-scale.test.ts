import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { freshTable } from '../support/dynamo.js';
import { DynamoSessionStore } from '../../functions/adapters/session-store.js';
import { countSessions } from '../../functions/maintenance/session-count.js';
import type { BackendHost } from '../../functions/maintenance/domain/contract.js';
import type { MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import { seedSessions, type SeedSession } from '../../local/session-seed.js';

/**
 * docs/maintenance.md: a status call costs a bounded number of DynamoDB requests whatever the number of
 * sessions. 10,000 live sessions on the Primary bam1 (pinned and alias), next to sessions that must
 * not count (expired, of an older incarnation or epoch, another server's), counted exactly; the
 * requests are counted by an SDK middleware.
 */
let t: Awaited<ReturnType<typeof freshTable>>;
let queries = 0;
const now = Date.now();

const host = (name: string): BackendHost => ({ name, protocol: 'HTTP', hostName: '127.0.0.1', port: 80, mode: 'ENABLED', spare: false, weight: 100 });
const server = (name: string, incarnation: number) => ({
  name,
  url: `http://${name}`,
  role: name === 'bam1' ? ('PRIMARY' as const) : ('STANDBY' as const),
  health: 'UP' as const,
  lastProbeAt: now,
  latencyMs: 1,
  consecutiveFailures: 0,
  failingSince: null,
  incarnation,
});
const monitor: MonitorState = {
  version: 9,
  epoch: 4,
  monitoringState: 'MONITORING',
  primary: 'bam1',
  primaryUrl: 'http://bam1',
  splitBrain: false,
  failoverStartedAt: null,
  primarySinceEpoch: 3,
  lastPrimary: 'bam1',
  servers: { bam1: server('bam1', 1), bam2: server('bam2', 0) },
  updatedAt: now,
};

beforeAll(async () => {
  t = await freshTable();
  const live = now + 3_600_000;
  const groups: [number, Partial<SeedSession>][] = [
    [4_000, { target: 'bam1', boundServer: 'bam1', serverIncarnation: 1, expiresAt: live }], // pinned
    [3_000, { target: 'primary-address-manager', boundServer: 'bam1', restorable: true, epoch: 1, expiresAt: live }], // restorable: counts whatever its epoch
    [3_000, { target: 'primary-address-manager', boundServer: 'bam1', restorable: false, epoch: 4, expiresAt: live }],
    [500, { target: 'bam1', boundServer: 'bam1', serverIncarnation: 1, expiresAt: now - 500 }], // expired (the last one at now)
    [300, { target: 'bam1', boundServer: 'bam1', serverIncarnation: 0, expiresAt: live }], // bam1 went DOWN since
    [300, { target: 'primary-address-manager', boundServer: 'bam1', restorable: false, epoch: 2, expiresAt: live }], // a failover away and back ended it
    [1_000, { target: 'bam2', boundServer: 'bam2', serverIncarnation: 0, expiresAt: live }],
  ];
  await seedSessions((batch) => t.db.send(new BatchWriteCommand({ RequestItems: { [t.tableName]: batch } })), groups);
  t.db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    },
    { step: 'initialize', name: 'countQueries' },
  );
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('session counts at scale', () => {
  it('counts 10,000 sessions of the Primary exactly, in a few requests', async () => {
    const store = new DynamoSessionStore(t.db, t.tableName);
    queries = 0;
    expect(await countSessions(store, host('bam1'), monitor, now)).toBe(10_000);
    const forBam1 = queries;
    console.log(`session count: 10,000 live sessions (11,100 bound) on bam1 took ${forBam1} DynamoDB requests`);
    // One request per 1 MB page of the live range (10,600 items here): 2 on dynalite (index items),
    // 6 on DynamoDB Local (it sizes pages by the whole session item); never one per session.
    expect(forBam1).toBeLessThanOrEqual(8);

    queries = 0;
    expect(await countSessions(store, host('bam2'), monitor, now)).toBe(1_000);
    expect(await countSessions(store, { ...host('bam2'), mode: 'DISABLED' }, monitor, now)).toBe(0); // pinned sessions end on DISABLED
    expect(queries).toBe(1); // nothing to count on a DISABLED Standby: no request
  });
});
