/**
 * `npm run bench:load [-- --clients N --blip-ms N]`: N concurrent clients (default 100; half
 * restorable service-user sessions, half alice through the alias) call the sample workflow on the
 * local stack (local defaults: probe every 1 s, timeout 1 s, 2 failures) through
 *   (a) a stop → promote failover: goal zero 5xx but the failover 503, zero 401 for restorable sessions;
 *   (b) a Primary blip of --blip-ms (default 400) under load: goal no epoch change, no 401, no 5xx.
 * Prints the count per outcome and the p50/p95 latency of each phase. `--flapping`: short outages
 * of a Primary that answers between them instead (see bench-load-flapping.ts).
 */
import type { LocalStack } from '../local/runtime.js';
import type { LoadTally } from './support/load-driver.js';
import { cli } from '../bin/cli-options.js';
import { BENCH_LOAD } from '../bin/commands.js';

const values = cli(BENCH_LOAD);
// The heavy modules after the command line: --help and a bad option answer at once.
const { startLocalStack } = await import('../local/runtime.js');
const { LoadDriver, errorsIn, percentile } = await import('./support/load-driver.js');
const { flappingBench } = await import('./load-flapping.js');
const clients = values.clients as number;
const blipMs = values['blip-ms'] as number;
if (values.flapping === true) {
  await flappingBench(clients, values.flaps as number, values['flap-ms'] as number, values['flap-every'] as number);
  process.exit(0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function monitoring(stack: LocalStack) {
  return ((await (await fetch(`${stack.url}/_local/state`)).json()) as { monitoring: unknown }).monitoring as {
    monitoring_state: string;
    primary_url: string | null;
    epoch: number;
    split_brain: boolean;
    servers: { name: string; role: string }[];
  };
}
async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

function report(name: string, t: LoadTally, goals: string[]) {
  const calls = t.latenciesMs.length;
  console.log(`\n${name}: ${calls} calls`);
  for (const [k, n] of Object.entries(t.counts).sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${k.padEnd(40)} ${String(n).padStart(7)}`);
  console.log(`  latency p50 ${Math.round(percentile(t.latenciesMs, 0.5))} ms   p95 ${Math.round(percentile(t.latenciesMs, 0.95))} ms   max ${Math.round(percentile(t.latenciesMs, 1))} ms`);
  for (const g of goals) console.log(`  ${g}`);
}

console.log(`bench:load: ${clients} clients (half restorable, half alias), local defaults (probe 1000 ms, timeout 1000 ms, 2 failures)`);
const stack = await startLocalStack({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } }); // only the figures on the console
try {
  const bam1 = stack.cluster!.server('bam1');
  const bam2 = stack.cluster!.server('bam2');

  // (a) stop → promote under load.
  let load = new LoadDriver(stack.url, clients);
  await load.start();
  await sleep(1000);
  load.take(); // warm-up not counted
  await bam1.stop();
  await until(async () => (await monitoring(stack)).monitoring_state === 'FAILOVER_IN_PROGRESS');
  await fetch(`${stack.url}/_local/bam/bam2/promote`, { method: 'POST' });
  await until(async () => (await monitoring(stack)).primary_url === bam2.url);
  await sleep(2000);
  const a = await load.stop();
  const aErrors = errorsIn(a, { aliasEndsAllowed: true });
  report('(a) stop → promote failover', a, [
    `goal zero 5xx but the failover 503, zero 401 for restorable sessions: ${Object.keys(aErrors).length === 0 ? 'met' : `MISSED ${JSON.stringify(aErrors)}`}`,
  ]);
  // bam1 comes back still claiming Primary (BAM does not reconfigure it): the operator re-adds it as bam2's Standby.
  await bam1.start();
  const readd = await fetch(`${stack.url}/_local/bam/bam1/readd`, { method: 'POST' });
  if (readd.status !== 200) throw new Error(`readd bam1 failed: ${readd.status} ${await readd.text()}`);
  await until(async () => {
    const m = await monitoring(stack);
    return m.monitoring_state === 'MONITORING' && !m.split_brain && m.servers.find((s) => s.name === 'bam1')?.role === 'STANDBY';
  });

  // (b) a blip of the Primary (bam2 now) under load: a network outage, BAM keeps its sessions.
  load = new LoadDriver(stack.url, clients);
  await load.start();
  await sleep(1000);
  load.take();
  const before = (await monitoring(stack)).epoch;
  await bam2.stop({ keepSessions: true });
  await sleep(blipMs);
  await bam2.start();
  await sleep(3000);
  const b = await load.stop();
  const after = (await monitoring(stack)).epoch;
  const bErrors = errorsIn(b, { aliasEndsAllowed: false });
  const noFailover503 = !b.counts['503 failover'];
  report(`(b) ${blipMs} ms Primary blip`, b, [
    `epoch before ${before}, after ${after}: ${before === after ? 'no change (met)' : 'CHANGED (MISSED)'}`,
    `goal no 401, no 5xx: ${Object.keys(bErrors).length === 0 && noFailover503 ? 'met' : `MISSED ${JSON.stringify({ ...bErrors, ...(noFailover503 ? {} : { '503 failover': b.counts['503 failover'] }) })}`}`,
  ]);
} finally {
  await stack.close();
}
process.exit(0);
