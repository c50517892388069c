/**
 * `npm run bench:failover [-- --trials N --sessions N]`: drives the local stack (local defaults:
 * probe every 1 s, timeout 1 s, 2 failures) through trials of
 *   stop Primary → promote Standby → start the old Primary → re-add it (readd) as the new Primary's Standby
 * and prints detection time (Primary stopped → FAILOVER_IN_PROGRESS, seen by the monitor alone,
 * no client traffic) and restore time (promote → a restorable session served again, polled by a
 * client every 20 ms), then the restore time with 10 and with N (default 10,000) live sessions.
 * `--hang`: the Primary hangs instead, under load (see bench-failover-hang.ts).
 */
import type { LocalStack } from '../local/runtime.js';
import { cli } from '../bin/cli-options.js';
import { BENCH_FAILOVER } from '../bin/commands.js';

const values = cli(BENCH_FAILOVER);
// The heavy modules after the command line: --help and a bad option answer at once.
const { startLocalStack } = await import('../local/runtime.js');
const { hangBench } = await import('./failover-hang.js');
const trials = values.trials as number;
const manySessions = values.sessions as number;
if (values.hang === true) {
  await hangBench(trials, values.clients as number);
  process.exit(0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function json(stack: LocalStack, method: string, path: string, init: { token?: string; body?: unknown } = {}) {
  const res = await fetch(stack.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
}

async function login(stack: LocalStack): Promise<string> {
  const r = await json(stack, 'POST', '/rest_login', { body: { username: 'gateway-svc', password: 'gateway-svc-pass', bam_alias: 'primary-address-manager' } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.access_token).split(' ')[1]!;
}

async function waitFor(check: () => Promise<boolean>, pollMs: number, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error('timed out');
    await sleep(pollMs);
  }
  return performance.now() - started;
}

const monitoring = async (stack: LocalStack) => (await json(stack, 'GET', '/_local/state')).body.monitoring;

/** One trial; answers detection and restore times in ms. */
async function trial(stack: LocalStack, token: string) {
  const primary = stack.cluster!.currentPrimary;
  const standby = stack.cluster!.snapshot().find((s) => s.role === 'Standby')!.name;
  // Let the monitor settle a moment so the stop lands at a random point of its probe cycle.
  await sleep(300 + Math.random() * 1000);
  const stopAt = performance.now();
  await json(stack, 'POST', `/_local/bam/${primary}/stop`);
  await waitFor(async () => (await monitoring(stack)).monitoring_state === 'FAILOVER_IN_PROGRESS', 10);
  const detection = performance.now() - stopAt;
  const promoteAt = performance.now();
  const promoted = await json(stack, 'POST', `/_local/bam/${standby}/promote`);
  if (promoted.status !== 200) throw new Error(`promote ${standby} failed: ${promoted.status} ${JSON.stringify(promoted.body)}`);
  await waitFor(async () => (await json(stack, 'GET', '/failover_rest_endpoints/get_configurations', { token })).status === 200, 20);
  const restore = performance.now() - promoteAt;
  // The old Primary comes back still claiming Primary (BAM does not reconfigure it): the operator
  // re-adds it as the new Primary's Standby, so the next trial starts from a clean cluster.
  await json(stack, 'POST', `/_local/bam/${primary}/start`);
  const readd = await json(stack, 'POST', `/_local/bam/${primary}/readd`);
  if (readd.status !== 200) throw new Error(`readd ${primary} failed: ${readd.status} ${JSON.stringify(readd.body)}`);
  await waitFor(async () => {
    const m = await monitoring(stack);
    return !m.split_brain && m.servers.find((s: { name: string }) => s.name === primary)?.role === 'STANDBY';
  }, 50);
  return { detection, restore, from: primary, to: standby };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { min: s[0]!, p50: at(0.5), p95: at(0.95) };
}
const ms = (x: number) => `${Math.round(x)} ms`;
const line = (name: string, xs: number[]) => {
  const { min, p50, p95 } = stats(xs);
  return `${name.padEnd(34)} min ${ms(min).padStart(8)}   p50 ${ms(p50).padStart(8)}   p95 ${ms(p95).padStart(8)}`;
};

/** Logs in `count` restorable sessions, 32 at a time, with a progress line. */
async function populate(stack: LocalStack, count: number): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        next++;
        tokens.push(await login(stack));
        if (tokens.length % 2000 === 0) console.log(`  ... ${tokens.length} / ${count} sessions (${Math.round((performance.now() - started) / 1000)} s)`);
      }
    }),
  );
  return tokens;
}

/** Restore runs with the stack holding `total` live sessions (more are logged in first). */
async function restoreWith(stack: LocalStack, tokens: string[], total: number, runs: number): Promise<number[]> {
  console.log(`restore with ${total} live sessions: logging in ${total - tokens.length} more...`);
  tokens.push(...(await populate(stack, total - tokens.length)));
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await trial(stack, tokens[Math.floor(Math.random() * tokens.length)]!);
    out.push(r.restore);
    console.log(`  run ${i + 1}/${runs}: restore ${ms(r.restore)}`);
  }
  return out;
}

console.log(`bench:failover: ${trials} trials with local defaults (probe 1000 ms, timeout 1000 ms, 2 failures)`);
// One stack for every phase: like a Lambda, a process binds its clients to one table.
const stack = await startLocalStack({ env: { POWERTOOLS_LOG_LEVEL: 'WARN' } }); // only the figures on the console
const detections: number[] = [];
const restores: number[] = [];
let few: number[];
let many: number[];
try {
  const token = await login(stack);
  for (let i = 0; i < trials; i++) {
    const r = await trial(stack, token);
    detections.push(r.detection);
    restores.push(r.restore);
    console.log(`trial ${String(i + 1).padStart(2)}/${trials}: ${r.from} stopped, ${r.to} promoted: detection ${ms(r.detection)}, restore ${ms(r.restore)}`);
  }
  const runs = Math.max(3, Math.min(trials, 5));
  const tokens = [token];
  few = await restoreWith(stack, tokens, 10, runs);
  many = await restoreWith(stack, tokens, manySessions, runs);
} finally {
  await stack.close();
}

console.log('\nresults');
console.log(line('detection (stop → FAILOVER_IN_PROGRESS)', detections));
console.log(line('restore (promote → session served)', restores));
console.log(line('restore with 10 sessions', few));
console.log(line(`restore with ${manySessions} sessions`, many));
const ratio = stats(many).p50 / stats(few).p50;
console.log(`restore ratio p50(${manySessions}) / p50(10): ${ratio.toFixed(2)}`);
const goals = [stats(detections).p95 <= 3000, stats(restores).p95 <= 1000, ratio <= 1.2];
console.log(`goals: detection p95 ≤ 3 s ${goals[0] ? 'met' : 'MISSED'}; restore p95 ≤ 1 s ${goals[1] ? 'met' : 'MISSED'}; ratio ≤ 1.2 ${goals[2] ? 'met' : 'MISSED'}`);
process.exit(0);
