/**
 * `npm run bench:load -- --flapping [--clients 20 --flaps 10 --flap-ms 100 --flap-every 500]`: the
 * Primary is stopped for a moment (a network outage: BAM keeps its sessions) again and again while
 * the clients call it, and answers between the outages. Goal: not declared lost (no new
 * epoch, no failover 503, no session ended, no 5xx); the outages still show in the status
 * (`outages`, `last_failure`).
 */
import os from 'node:os';
import { startLocalStack } from '../local/runtime.js';
import { LoadDriver, errorsIn, percentile } from './support/load-driver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ServerView {
  name: string;
  outages: number;
  last_failure: string | null;
  last_failure_at: string | null;
  consecutive_failures: number;
}

export async function flappingBench(clients: number, flaps: number, flapMs: number, everyMs: number): Promise<boolean> {
  console.log(
    `bench:load --flapping: ${clients} clients (half restorable, half alias); the Primary stopped ${flaps} times for ${flapMs} ms, one every ${everyMs} ms; local defaults (probe 1000 ms, timeout 1000 ms, 2 failures)`,
  );
  const stack = await startLocalStack({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  try {
    const monitoring = async () => ((await (await fetch(`${stack.url}/_local/state`)).json()) as { monitoring: { epoch: number; monitoring_state: string; servers: ServerView[] } }).monitoring;
    const primary = stack.cluster!.server(stack.cluster!.currentPrimary);
    const load = new LoadDriver(stack.url, clients);
    await load.start();
    await sleep(1000);
    load.take(); // warm-up not counted
    const before = await monitoring();
    const outagesBefore = before.servers.find((s) => s.name === primary.name)!.outages;
    for (let k = 0; k < flaps; k++) {
      const began = Date.now();
      await primary.stop({ keepSessions: true });
      await sleep(flapMs - (Date.now() - began));
      await primary.start();
      await sleep(everyMs - (Date.now() - began));
    }
    await sleep(2000);
    const t = await load.stop();
    const after = await monitoring();
    const view = after.servers.find((s) => s.name === primary.name)!;
    console.log(`\nflapping ${primary.name}: ${t.latenciesMs.length} calls (load ${os.loadavg()[0]!.toFixed(2)})`);
    for (const [k, n] of Object.entries(t.counts).sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${k.padEnd(40)} ${String(n).padStart(7)}`);
    console.log(`  latency p50 ${Math.round(percentile(t.latenciesMs, 0.5))} ms   p95 ${Math.round(percentile(t.latenciesMs, 0.95))} ms   max ${Math.round(percentile(t.latenciesMs, 1))} ms`);
    console.log(`  ${primary.name} in the status: outages ${view.outages - outagesBefore} counted in this run, last_failure ${view.last_failure} at ${view.last_failure_at}`);
    const errors = errorsIn(t, { aliasEndsAllowed: false });
    const goals = [after.epoch === before.epoch && after.monitoring_state === 'MONITORING', !t.counts['503 failover'] && Object.keys(errors).length === 0, view.outages > outagesBefore];
    console.log(`  epoch before ${before.epoch}, after ${after.epoch}: ${goals[0] ? 'not declared lost (met)' : 'DECLARED LOST (MISSED)'}`);
    console.log(
      `  goal no failover 503, no 401, no 5xx: ${goals[1] ? 'met' : `MISSED ${JSON.stringify({ ...errors, ...(t.counts['503 failover'] ? { '503 failover': t.counts['503 failover'] } : {}) })}`}`,
    );
    console.log(`  goal outages visible: ${goals[2] ? 'met' : 'MISSED'}`);
    console.log(`flapping_epoch_changed=${after.epoch !== before.epoch} flapping_failover_503=${t.counts['503 failover'] ?? 0} flapping_outages=${view.outages - outagesBefore}`);
    return goals.every(Boolean);
  } finally {
    await stack.close();
  }
}
