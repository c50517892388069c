import { describe, expect, it } from 'vitest';
import { initialState, type MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import type { MonitorStore, StoredMonitor } from '../../functions/adapters/monitor-store.js';
import { MonitorStateCache } from '../../functions/monitor/monitor-state-cache.js';
import { GrantCache } from '../../functions/permissions/grant-cache.js';

const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];

/** A quiet state: MONITORING on `primary`, every server ENABLED. */
function monitoring(version: number, epoch: number, primary = 'bam1'): MonitorState {
  const s = initialState(servers, 0);
  return { ...s, version, epoch, monitoringState: 'MONITORING', primary, primaryUrl: `http://${primary}` };
}

/** The table as other processes see it: `stored` changes behind the cache's back; reads are counted. */
function fakeStore(first: MonitorState) {
  const t = { stored: first, reads: 0 };
  const store = {
    outbox: undefined as never,
    get: async (): Promise<StoredMonitor> => (t.reads++, { state: t.stored, outbox: [] }),
    commit: async (next: MonitorState) => ((t.stored = next), true),
    getServiceSession: async () => undefined,
    claimServiceSession: async () => true,
    completeServiceSession: async () => true,
  } satisfies MonitorStore;
  return { t, store };
}

describe('the monitor state cache of the request path', () => {
  it('serves a quiet state for at most maxAgeMs: a change made by another process is seen on the first request after the bound, never later', async () => {
    let now = 0;
    const { t, store } = fakeStore(monitoring(5, 1));
    const cache = new MonitorStateCache(store, 1000, () => now);
    expect((await cache.forRequest(1))?.version).toBe(5);
    t.stored = { ...monitoring(6, 2, 'bam2') }; // another node's monitor confirmed bam2
    now = 999;
    expect((await cache.forRequest(1))?.primary).toBe('bam1'); // inside the bound: stale allowed
    expect(t.reads).toBe(1);
    now = 1000;
    expect((await cache.forRequest(1))?.primary).toBe('bam2'); // at the bound: read again
    expect(t.reads).toBe(2);
  });

  it('with maxAgeMs 0 reads on every request', async () => {
    const { t, store } = fakeStore(monitoring(5, 1));
    const cache = new MonitorStateCache(store, 0, () => 0);
    for (let i = 0; i < 3; i++) await cache.forRequest(1);
    expect(t.reads).toBe(3);
  });

  it.each<[string, (s: MonitorState) => MonitorState]>([
    ['a failover in progress', (s) => ({ ...s, monitoringState: 'FAILOVER_IN_PROGRESS', primary: null, primaryUrl: null })],
    ['a planned switchover', (s) => ({ ...s, monitoringState: 'SWITCHOVER_IN_PROGRESS', switchover: { from: 'bam1', target: 'bam2' } as MonitorState['switchover'] })],
    ['a drained Primary (a switchover is about to start)', (s) => ({ ...s, servers: { ...s.servers, bam1: { ...s.servers.bam1!, mode: 'NO_NEW_SESSIONS' } } })],
    ['a disabled Primary', (s) => ({ ...s, servers: { ...s.servers, bam1: { ...s.servers.bam1!, mode: 'DISABLED' } } })],
    ['split brain', (s) => ({ ...s, splitBrain: true })],
    ['no Primary known yet', () => initialState(servers, 0)],
  ])('%s is never reused: every request reads the state', async (_, change) => {
    const { t, store } = fakeStore(change(monitoring(5, 1)));
    const cache = new MonitorStateCache(store, 1000, () => 0);
    for (let i = 0; i < 3; i++) await cache.forRequest(1);
    expect(t.reads).toBe(3);
  });

  it('a session bound in a newer epoch than the cached state makes the request read it', async () => {
    const { t, store } = fakeStore(monitoring(5, 1));
    const cache = new MonitorStateCache(store, 1000, () => 0);
    await cache.forRequest(1);
    t.stored = monitoring(7, 2, 'bam2');
    expect((await cache.forRequest(2))?.epoch).toBe(2);
    expect(t.reads).toBe(2);
  });

  it('a sign of change (invalidate) makes the next request read, and it does not join a read started before the sign', async () => {
    const { t, store } = fakeStore(monitoring(5, 1));
    const pending: (() => void)[] = [];
    // Each read sees the table as it was when the read was sent, and answers when released.
    const slow: MonitorStore = {
      ...store,
      get: () => {
        const answer = store.get();
        return new Promise((r) => pending.push(() => r(answer)));
      },
    };
    const cache = new MonitorStateCache(slow, 1000, () => 0);
    const before = cache.refresh();
    cache.invalidate();
    t.stored = monitoring(6, 2, 'bam2');
    const after = cache.forRequest(1);
    expect(pending).toHaveLength(2); // a read of its own, not the one sent before the sign
    for (const release of pending) release();
    expect((await before)?.primary).toBe('bam1');
    expect((await after)?.primary).toBe('bam2');
  });

  it('a state this process commits or reads is used at once, and an older read never replaces it', async () => {
    const { t, store } = fakeStore(monitoring(5, 1));
    const cache = new MonitorStateCache(store, 1000, () => 0);
    await cache.forRequest(1);
    await cache.through.commit(monitoring(6, 2, 'bam2'), []);
    expect((await cache.forRequest(1))?.primary).toBe('bam2');
    cache.observe(monitoring(5, 1)); // a read that started before the commit
    expect((await cache.forRequest(1))?.version).toBe(6);
    expect(t.reads).toBe(1);
  });
});

describe('the grant cache of the request path', () => {
  it('a revoke made elsewhere takes effect within maxAgeMs', async () => {
    let now = 0;
    let granted = true;
    let reads = 0;
    const grants = new GrantCache(
      async () => (reads++, granted),
      5000,
      100,
      () => now,
    );
    expect(await grants.has('bob', 'ip_space')).toBe(true);
    granted = false; // revoked through another node's admin API
    now = 4999;
    expect(await grants.has('bob', 'ip_space')).toBe(true);
    now = 5000;
    expect(await grants.has('bob', 'ip_space')).toBe(false);
    expect(reads).toBe(2);
  });

  it('a refusal is never remembered: a grant made elsewhere counts on the next request', async () => {
    let granted = false;
    const grants = new GrantCache(
      async () => granted,
      5000,
      100,
      () => 0,
    );
    expect(await grants.has('bob', 'ip_space')).toBe(false);
    granted = true;
    expect(await grants.has('bob', 'ip_space')).toBe(true);
  });

  it('a change made by this process clears it at once, including an answer read while the change was made', async () => {
    let granted = true;
    const pending: (() => void)[] = [];
    const grants = new GrantCache(
      () => {
        const answer = granted;
        return new Promise<boolean>((r) => pending.push(() => r(answer)));
      },
      5000,
      100,
      () => 0,
    );
    const inFlight = grants.has('bob', 'ip_space');
    granted = false; // revoked through this process's admin API
    grants.clear();
    pending.shift()!();
    expect(await inFlight).toBe(true); // read before the revoke
    const next = grants.has('bob', 'ip_space');
    pending.shift()!();
    expect(await next).toBe(false);
  });

  it('holds at most maxEntries answers, whatever the number of users', async () => {
    let reads = 0;
    const grants = new GrantCache(
      async () => (reads++, true),
      5000,
      3,
      () => 0,
    );
    for (const u of ['a', 'b', 'c', 'd']) await grants.has(u, 'p');
    await grants.has('d', 'p');
    expect(reads).toBe(4);
    await grants.has('a', 'p'); // the oldest was dropped
    expect(reads).toBe(5);
  });
});
