import { describe, expect, it } from 'vitest';
import { FailoverMonitor } from '../../functions/monitor/failover-monitor.js';
import type { MonitorStore } from '../../functions/monitor/ports.js';
import { InMemoryMonitorStore } from '../support/fakes/monitor-store.js';
import type { MachineSettings } from '../../functions/monitor/domain/monitor-machine.js';
import type { BamRole, ProbeResult } from '../../functions/monitor/domain/bam-server.js';

/**
 * Issue 24 items 1 and 2: a probe not answered by its timeout has failed at that moment, a late
 * answer never counts, rounds never wait for a hung probe (probes of one server may overlap), and a
 * hung server already DOWN never holds up what the others say.
 */
const servers = [
  { name: 'bam1', url: 'http://bam1' },
  { name: 'bam2', url: 'http://bam2' },
];

const memoryStore = () => new InMemoryMonitorStore();

/** Probes the test answers by hand: each call is recorded with a way to answer it. */
function manualProbes() {
  const calls: { server: string; at: number; answer: (role: BamRole | 'down') => void }[] = [];
  const auto: Record<string, BamRole | 'down' | 'hang'> = {};
  const probe = (server: string): Promise<ProbeResult> =>
    new Promise((resolve) => {
      const at = Date.now();
      const answer = (role: BamRole | 'down') => resolve(role === 'down' ? { server, ok: false, error: 'refused', latencyMs: 1, at } : { server, ok: true, role, latencyMs: 1, at });
      calls.push({ server, at, answer });
      const a = auto[server];
      if (a && a !== 'hang') answer(a);
    });
  return { calls, auto, probe, of: (server: string) => calls.filter((c) => c.server === server) };
}

function monitorWith(p: ReturnType<typeof manualProbes>, store: MonitorStore, settings: MachineSettings, probeTimeoutMs: number) {
  return new FailoverMonitor({
    servers,
    settings,
    probeTimeoutMs,
    store,
    probe: (name) => p.probe(name),
    publisher: { publish: async (events) => ({ published: events.map((e) => e.id), failed: [] }) },
    servedAt: () => undefined,
  });
}

async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('rounds and a hung server', () => {
  it('a probe not answered by its timeout has failed then; its late answer never counts', async () => {
    const p = manualProbes();
    p.auto.bam2 = 'STANDBY';
    p.auto.bam1 = 'PRIMARY';
    const store = memoryStore();
    const monitor = monitorWith(p, store, { failuresBeforeFailover: 2 }, 50);
    await monitor.round();
    p.auto.bam1 = 'hang';
    const r = await monitor.round(); // before: waited for bam1's answer, which never comes
    expect(r.state.servers.bam1).toMatchObject({ consecutiveFailures: 1, lastFailure: 'probe: timeout', health: 'UP' });
    p.of('bam1').at(-1)!.answer('STANDBY'); // the late answer: bam1 now says it is a Standby
    await new Promise((r) => setTimeout(r, 20));
    expect(store.stored!.servers.bam1).toMatchObject({ role: 'PRIMARY', consecutiveFailures: 1 });
    expect(store.stored!.monitoringState).toBe('MONITORING');
  });

  it('the next round does not wait for one still waiting on a hung server: probes of one server overlap', async () => {
    const p = manualProbes();
    p.auto.bam2 = 'STANDBY';
    p.auto.bam1 = 'PRIMARY';
    const monitor = monitorWith(p, memoryStore(), { failuresBeforeFailover: 2 }, 60_000);
    await monitor.round();
    p.auto.bam1 = 'hang';
    const first = monitor.round();
    const second = monitor.probeNow(0); // before: shared the round in flight, so bam1 was asked once
    expect(p.of('bam1')).toHaveLength(3);
    for (const c of p.of('bam1').slice(1)) c.answer('PRIMARY');
    await Promise.all([first, second]);
  });

  it('a server already DOWN is not waited for: a promoted Standby is confirmed while the hung old Primary has not answered', async () => {
    const p = manualProbes();
    p.auto.bam1 = 'PRIMARY';
    p.auto.bam2 = 'STANDBY';
    const store = memoryStore();
    const monitor = monitorWith(p, store, { failuresBeforeFailover: 2 }, 60_000);
    await monitor.round();
    p.auto.bam1 = 'down';
    await monitor.round();
    expect((await monitor.round()).state).toMatchObject({ monitoringState: 'FAILOVER_IN_PROGRESS' });
    p.auto.bam1 = 'hang';
    p.auto.bam2 = 'PRIMARY';
    const after = await monitor.probeNow(0); // before: waited for bam1's probe (a minute here)
    expect(after).toMatchObject({ monitoringState: 'MONITORING', primary: 'bam2' });
    expect(p.of('bam1').at(-1)).toBeDefined();
  });

  // Retried: under a loaded machine (about one run in ten with four suites at once) the follow-up round
  // is sometimes not seen, cause not yet found; a broken follow-up fails every attempt.
  it('a request round whose probe is still out when the next could confirm the loss starts that next round itself', { retry: 2 }, async () => {
    const p = manualProbes();
    p.auto.bam1 = 'PRIMARY';
    p.auto.bam2 = 'STANDBY';
    const store = memoryStore();
    // Interval 400 ms, timeout 3 s: the next probe may confirm 360 ms after the first began, long before
    // the hung probe times out, even on a loaded machine (with 1 s, a late timer could time the first
    // probe out before the follow-up was due; then only the monitor's loop, not run here, probes again).
    const monitor = monitorWith(p, store, { failuresBeforeFailover: 2, probeIntervalMs: 400 }, 3000);
    await monitor.round();
    p.auto.bam1 = 'hang';
    void monitor.probeNow(0); // a stalled call's probe; nothing else probes (no loop runs)
    await eventually(() => store.stored?.monitoringState === 'FAILOVER_IN_PROGRESS', 'the loss confirmed by the follow-up round');
    const [first, second] = p.of('bam1').slice(1);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(360); // the counting window is kept
    expect(store.stored!.servers.bam1).toMatchObject({ health: 'DOWN', failingSince: first!.at });
  });
});
