import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { openRestSession } from '../support/airlock.js';
import { call, eventually, login } from '../support/client.js';
import { EVENT_LOOKBACK_MS } from '../../functions/ui-api/queries.js';
import { decodeSample } from '../../ui/src/history-codec.js';
import type { Sample } from '../../ui/src/types.js';

/**
 * The web UI's combined read (GET /ui/api/dashboard) and what keeps an operator's page up through
 * a BAM failover: the UI's reads come from the table, so they answer during a failover
 * for every session the failover has not ended; the last hour is kept as samples; events arrive
 * incrementally. One two-node stack; the failover and the split brain come last.
 */
let stack: LocalStack;
let base: string;
let svc: string;
let alice: string;
let bob: string;

const dashboard = (token: string | undefined, query = '') => call(base, 'GET', `/ui/api/dashboard${query}`, token ? { token } : {});
/** The samples of an answer, as the web UI decodes them. */
const samplesOf = (body: { history?: { samples: unknown[] } }): Sample[] => (body.history?.samples ?? []).map((raw) => decodeSample(raw)!);
const stateOf = async (token: string) => (await dashboard(token)).body?.status?.monitoring_state as string | undefined;

beforeAll(async () => {
  stack = await startLocalStack({ nodes: 2 });
  base = stack.url;
  [svc, alice, bob] = await Promise.all([login(base, 'gateway-svc', 'gateway-svc-pass'), login(base, 'alice', 'alice-pass'), login(base, 'bob', 'bob-pass')]);
  await call(base, 'PUT', '/admin/users/bob/permissions/failover_rest_endpoints', { token: svc }); // an ordinary user, with no node or maintenance rights
});
afterAll(async () => stack?.close());

describe('GET /ui/api/dashboard', () => {
  it('answers the session, the state with each server, the nodes, the last hour of events and samples, in one read', async () => {
    const r = await eventually(
      async () => {
        const a = await dashboard(svc, '?history=1');
        return Object.keys(samplesOf(a.body).at(-1)?.nodes ?? {}).length === 2 && a.body.group.nodes?.length === 2 && a;
      },
      15_000,
      'a sample with both nodes',
    );
    expect(r.status).toBe(200);
    expect(r.body.session).toMatchObject({ username: 'gateway-svc', admin: true, monitoring_state: 'MONITORING' });
    expect(r.body.status).toMatchObject({ monitoring_state: 'MONITORING', split_brain: false, split_brain_servers: [] });
    expect(r.body.status.servers.map((s: { name: string }) => s.name)).toEqual(['bam1', 'bam2']);
    expect(r.body.status.servers[0]).toMatchObject({ name: 'bam1', role: 'PRIMARY', health: 'UP', mode: 'ENABLED', sessions: expect.any(Number), failing_since: null });
    expect(r.body.group).toMatchObject({ visible: true, in_group: true, primary_node: 'a' });
    expect(r.body.probe_interval_ms).toBeGreaterThan(0);
    expect(r.body.stale_after_ms).toBeGreaterThan(r.body.probe_interval_ms);
    const sample = samplesOf(r.body).at(-1)!;
    expect(sample).toMatchObject({ state: 'MONITORING', servers: { bam1: { role: 'PRIMARY', health: 'UP', mode: 'ENABLED' }, bam2: { role: 'STANDBY' } } });
    expect(Object.keys(sample.nodes!).sort()).toEqual(['a', 'b']);
    expect(r.body.history.cursor).toBe(sample.t);
    expect(Array.isArray(r.body.failover_events)).toBe(true);
    expect(r.body.events.cursor).toEqual(r.body.events.events[0]?.cursor ?? null);
  });

  it('reads incrementally: only the samples and events after the cursors of the last answer', async () => {
    const first = await dashboard(svc, '?history=1');
    const cursor = first.body.events.cursor as string;
    const airlock = await openRestSession(base, svc);
    expect((await airlock.setMode('bam2', 'NO_NEW_SESSIONS')).status).toBe(200);
    const next = await eventually(
      async () => {
        const r = await dashboard(svc, `?history=1&history_after=${first.body.history.cursor}&events_after=${encodeURIComponent(cursor)}`);
        return r.body.events.events.some((e: { type: string }) => e.type === 'BACKEND_HOST_MODE_CHANGED') && r;
      },
      10_000,
      'the mode change as a new event',
    );
    // Only what is new, give or take the lookback for events recorded late.
    const lookbackFrom = new Date(Date.parse(cursor.split('#')[0]!) - EVENT_LOOKBACK_MS).toISOString();
    expect(next.body.events.events.every((e: { cursor: string }) => e.cursor >= lookbackFrom)).toBe(true);
    expect(next.body.events.cursor > cursor).toBe(true);
    expect(next.body.failover_events).toBeUndefined(); // sent with a full read only
    for (const s of samplesOf(next.body)) expect(s.t).toBeGreaterThan(first.body.history.cursor);
    // The activation shows at once in the server's mode, not after the next probe round.
    expect(next.body.status.servers.find((s: { name: string }) => s.name === 'bam2').mode).toBe('NO_NEW_SESSIONS');
    expect((await airlock.setMode('bam2', 'ENABLED')).status).toBe(200);
  });

  it('shows an ordinary user no gateway node and no operator name', async () => {
    const r = await dashboard(bob, '?history=1');
    expect(r.status).toBe(200);
    expect(r.body.group).toEqual({ visible: false });
    expect(r.body.history.samples.length).toBeGreaterThan(0);
    for (const s of samplesOf(r.body)) expect(s.nodes).toBeUndefined();
    const changes = r.body.events.events.filter((e: { type: string }) => e.type === 'BACKEND_HOST_MODE_CHANGED');
    expect(changes.length).toBeGreaterThan(0);
    for (const e of changes) expect(e.detail.by).toBeUndefined();
  });

  it('refuses bad cursors with a 400 and answers only signed-in users', async () => {
    expect((await dashboard(svc, '?history_after=soon')).status).toBe(400);
    expect((await dashboard(svc, '?events_after=%3Cscript%3E')).status).toBe(400);
    expect((await dashboard(svc, '?history=2')).status).toBe(400);
    expect((await dashboard(undefined)).status).toBe(401);
  });
});

describe('GET /ui/api/events by time', () => {
  it('answers a time range newest first, loads more with a cursor, and says when older ones were left out', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const all = (await call(base, 'GET', `/ui/api/events?since=${since}&limit=200`, { token: svc })).body;
    expect(all.events.length).toBeGreaterThanOrEqual(3);
    const page1 = (await call(base, 'GET', `/ui/api/events?since=${since}&limit=2`, { token: svc })).body;
    expect(page1).toMatchObject({ limit: 2, more: true, since });
    const page2 = (await call(base, 'GET', `/ui/api/events?since=${since}&limit=200&before=${encodeURIComponent(page1.events[1].cursor)}`, { token: svc })).body;
    expect([...page1.events, ...page2.events].map((e: { id: string }) => e.id)).toEqual(all.events.map((e: { id: string }) => e.id));
    expect(page2.more).toBe(false);
    const future = (await call(base, 'GET', `/ui/api/events?since=${new Date(Date.now() + 60_000).toISOString()}`, { token: svc })).body;
    expect(future).toMatchObject({ events: [], more: false });
    expect((await call(base, 'GET', '/ui/api/events?since=yesterday', { token: svc })).status).toBe(400);
    expect((await call(base, 'GET', '/ui/api/events?before=x', { token: svc })).status).toBe(400);
  });
});

describe('through a BAM failover', () => {
  it('the UI reads answer every session the failover has not ended; afterwards the ended one gets its 401', async () => {
    expect((await call(base, 'POST', '/_local/bam/bam1/stop')).status).toBe(200);
    await eventually(async () => (await stateOf(svc)) === 'FAILOVER_IN_PROGRESS', 15_000, 'the failover seen');
    // Before this change the page's session check answered the failover 503 and sent every user to the login page.
    for (const token of [svc, alice]) {
      const session = await call(base, 'GET', '/ui/api/session', { token });
      expect(session.status).toBe(200);
      expect(session.body.monitoring_state).toBe('FAILOVER_IN_PROGRESS');
      const r = await dashboard(token, '?history=1');
      expect(r.status).toBe(200);
      const bam1 = r.body.status.servers.find((s: { name: string }) => s.name === 'bam1');
      expect(bam1).toMatchObject({ health: 'DOWN', role: 'UNKNOWN', failing_since: expect.any(String) });
      expect(bam1.last_failure).toEqual(expect.any(String));
      expect((await call(base, 'GET', '/ui/api/events?limit=5', { token })).status).toBe(200);
    }
    // A call that needs the Primary still waits (the failover 503).
    expect((await call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token: alice })).status).toBe(503);

    expect((await call(base, 'POST', '/_local/bam/bam2/promote')).status).toBe(200);
    await eventually(async () => (await stateOf(svc)) === 'MONITORING', 15_000, 'bam2 confirmed');
    const ended = await dashboard(alice);
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('SessionEndedByFailover');
    const restored = await dashboard(svc, '?history=1');
    expect(restored.status).toBe(200);
    expect(restored.body.status.primary_url).toContain(restored.body.status.servers[1].url);
    // The hour's samples and events now hold the failover.
    await eventually(async () => samplesOf((await dashboard(svc, '?history=1')).body).some((s) => s.state === 'FAILOVER_IN_PROGRESS'), 10_000, 'the failover sampled');
    const full = await eventually(
      async () => {
        const r = await dashboard(svc);
        return r.body.failover_events.some((e: { detail: { new: string } }) => e.detail.new === 'FAILOVER_IN_PROGRESS') && r;
      },
      10_000,
      'the failover among the monitoring-state changes',
    );
    expect(full.body.events.events.some((e: { type: string }) => e.type === 'MONITORING_STATE_CHANGED')).toBe(true);
  });

  it('names both servers of a split brain', async () => {
    // The old Primary comes back still claiming Primary: BAM does not reconfigure it.
    expect((await call(base, 'POST', '/_local/bam/bam1/start')).status).toBe(200);
    const r = await eventually(
      async () => {
        const a = await dashboard(svc);
        return a.body.status?.split_brain && a;
      },
      15_000,
      'the split brain',
    );
    expect(r.body.status.split_brain_servers).toEqual(['bam1', 'bam2']);
    expect((await call(base, 'POST', '/_local/bam/bam1/readd')).status).toBe(200);
    await eventually(async () => (await dashboard(svc)).body.status?.split_brain === false, 15_000, 'the split brain over');
  });
});
