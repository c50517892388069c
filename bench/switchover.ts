/**
 * `npm run bench:switchover [-- --clients N]`: N clients (default 100: half restorable sessions
 * calling the sample workflow, half a stream of new alias logins of the service user, each making
 * one call) on the local stack, through
 *   (a) a planned switchover: bam1, the Primary, drained through the Airlock REST API;
 *   (b) the same load through an unplanned failover: the Primary (bam2 by then) stopped, bam1 promoted.
 * Prints answers by status, failed requests (any non-2xx), how long the calls made while the
 * Primary was changing waited (p50/p99/max), and the ratio planned/unplanned failed. The last line
 * is machine-readable. Goal: 0 failed in (a), held p99 ≤ BAM's pause (as measured) + 0.5 s.
 *
 * Each side runs in a thread of its own, as it runs on machines of its own in production: the
 * clients, the gateway node, and (in this one) the simulated BAM servers with dynalite. With all of
 * it on one event loop (`--one-thread`), the new Primary's answers queue behind the gateway's own
 * work when a hundred held calls are released together, which no BAM server does.
 *
 * Apart from the load, a few non-restorable alias sessions (bob) opened before each change and
 * used after it are reported on their own line: a switchover ends them (401, docs/maintenance.md), by design, so they are
 * not counted as failed requests of the load.
 */
import type { LocalStack } from '../local/runtime.js';
import type { Answer } from './support/switchover-load.js';
import { cli } from '../bin/cli-options.js';
import { BENCH_SWITCHOVER } from '../bin/commands.js';

const args = cli(BENCH_SWITCHOVER);
// The heavy modules after the command line: --help and a bad option answer at once.
const { startLocalStack } = await import('../local/runtime.js');
const { ThreadedSwitchoverLoad } = await import('./support/switchover-load.js');
const { percentile } = await import('./support/load-driver.js');
const clients = args.clients as number;
const oneThread = args['one-thread'] === true;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let pauseMs = Number.NaN;
/** Epoch ms with sub-ms precision: the clients' thread stamps its requests on the same clock. */
const clock = () => performance.timeOrigin + performance.now();
interface Status {
  monitoring_state: string;
  primary_url: string | null;
  switchover: { state: string } | null;
}
const SERVICE = { username: 'gateway-svc', password: 'gateway-svc-pass' };

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function json(stack: LocalStack, method: string, path: string, opts: { token?: string; cookie?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await fetch(stack.url + path, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

function report(name: string, answers: Answer[], window: [number, number]) {
  const byStatus: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.what} ${a.status}${a.status >= 300 && a.code ? ` ${a.code}` : ''}`;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  const failed = answers.filter((a) => a.status < 200 || a.status >= 300).length;
  const held = answers.filter((a) => a.startedAt >= window[0] && a.startedAt <= window[1]).map((a) => a.ms);
  console.log(`\n${name}: ${answers.length} requests, ${failed} failed (non-2xx); the Primary changed in ${Math.round(window[1] - window[0])} ms`);
  for (const [k, n] of Object.entries(byStatus).sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${k.padEnd(44)} ${String(n).padStart(7)}`);
  const p = (q: number) => Math.round(percentile(held, q));
  console.log(`  requests made while the Primary changed: ${held.length}; waited p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`);
  const inWindow = answers.filter((a) => a.startedAt >= window[0] && a.startedAt <= window[1]);
  const kinds = [...new Set(inWindow.map((a) => a.what))].sort();
  const byKind = kinds.map((k) => {
    const ms = inWindow.filter((a) => a.what === k).map((a) => a.ms);
    return `${k} ${ms.length}, p99 ${Math.round(percentile(ms, 0.99))} ms`;
  });
  console.log(`    by kind: ${byKind.join('; ')}`);
  return { failed, heldP99: p(0.99), heldMax: p(1) };
}

console.log(
  `bench:switchover: ${clients} clients (half restorable sessions, half a stream of new alias logins), local defaults (probe 1000 ms, timeout 1000 ms, 2 failures; switchover bound 10 s; BAM's handover pause 1500 ms); the gateway in ${oneThread ? 'the thread of the simulated BAM servers and dynalite' : 'a thread of its own'}`,
);
// One test machine stands for many users at many addresses: the per-user and per-address in-flight login limits are raised.
const stack = await startLocalStack({ gatewayThread: !oneThread, env: { POWERTOOLS_LOG_LEVEL: 'ERROR', LOGIN_MAX_CONCURRENT: '1000', LOGIN_MAX_CONCURRENT_PER_IP: '1000' } });
try {
  const bam1 = stack.cluster!.server('bam1');
  const bam2 = stack.cluster!.server('bam2');
  const state = async () => (await json(stack, 'GET', '/_local/state')).body.monitoring as unknown as Status;
  await until('a Primary', async () => (await state()).primary_url === bam1.url);
  const svc = String((await json(stack, 'POST', '/rest_login', { body: SERVICE })).body.access_token).split(' ')[1]!;
  if ((await json(stack, 'PUT', '/admin/users/bob/permissions/failover_rest_endpoints', { token: svc })).status !== 200) throw new Error('could not grant bob the workflow');
  const rest = await json(stack, 'POST', '/airlock/rest/session/create', { token: svc });
  const cookie = String(rest.headers.get('set-cookie')).split(';')[0]!;
  // Loads the active configuration and changes one mode in the working copy; answers the activation to run.
  const prepare = async (hostName: string, mode: string) => {
    await json(stack, 'POST', '/airlock/rest/configuration/configurations/load-active', { cookie });
    await json(stack, 'POST', '/airlock/rest/configuration/back-end-groups/1/host-mode', { cookie, body: { data: { type: 'back-end-host-mode-change', attributes: { hostName, mode } } } });
    return async () => {
      const r = await json(stack, 'POST', '/airlock/rest/configuration/configurations/activate', { cookie, body: { comment: `bench: ${hostName} ${mode}` } });
      if (r.status !== 200) throw new Error(`activation of ${hostName} ${mode} refused: ${r.status} ${JSON.stringify(r.body)}`);
    };
  };
  const setMode = async (hostName: string, mode: string) => (await prepare(hostName, mode))();
  // Non-restorable alias sessions open across the change: a switchover ends them (docs/maintenance.md); reported apart from the load.
  const bystanders = async () =>
    Promise.all(Array.from({ length: 5 }, async () => String((await json(stack, 'POST', '/rest_login', { body: { username: 'bob', password: 'bob-pass' } })).body.access_token).split(' ')[1]!));
  const afterChange = async (tokens: string[]) => {
    const codes = await Promise.all(
      tokens.map(async (t) => {
        const r = await json(stack, 'GET', '/failover_rest_endpoints/get_configurations', { token: t });
        return `${r.status}${r.status === 200 ? '' : ` ${String(r.body.code)}`}`;
      }),
    );
    const counts: Record<string, number> = {};
    for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
    console.log(`  non-restorable alias sessions open across the change (not part of the load; the change ends them by design): ${JSON.stringify(counts)}`);
  };

  // (a) planned: drain the Primary bam1.
  let open = await bystanders();
  let load = await ThreadedSwitchoverLoad.start(stack.url, clients, SERVICE, SERVICE);
  await sleep(1000);
  const activate = await prepare('bam1', 'NO_NEW_SESSIONS');
  await load.reset(); // warm-up not counted
  const planStart = clock(); // from the activation: calls made before it run as usual
  await activate();
  const activated = clock();
  await until('the switchover', async () => {
    const s = await state();
    return s.monitoring_state === 'MONITORING' && s.primary_url === bam2.url;
  });
  const planEnd = clock();
  const done = ((await json(stack, 'GET', '/_local/state')).body.monitoring as { switchover: { startedAt: string; endedAt: string } }).switchover;
  // BAM's pause as the simulated servers lived it (this thread's clock): from failoverReplication to both serving again.
  const pause = stack.cluster!.lastPause!;
  pauseMs = (pause.endedAt ?? Number.NaN) - pause.startedAt;
  console.log(
    `\n  (activation answered in ${Math.round(activated - planStart)} ms; switchover recorded ${Math.round(Date.parse(done.startedAt) - planStart)} ms after the activation was sent; BAM paused ${Math.round(pause.startedAt - planStart)} ms after it, for ${Math.round(pauseMs)} ms; the new Primary confirmed ${Math.round(Date.parse(done.endedAt) - (pause.endedAt ?? Number.NaN))} ms after the pause ended, ${Date.parse(done.endedAt) - Date.parse(done.startedAt)} ms after the switchover was recorded)`,
  );
  await sleep(2000);
  const planned = report('(a) planned switchover (bam1 drained)', await load.stop(), [planStart, planEnd]);
  await afterChange(open);
  await setMode('bam1', 'ENABLED'); // bam1 is bam2's Standby now

  // (b) unplanned: the Primary bam2 stops; the operator promotes bam1.
  open = await bystanders();
  load = await ThreadedSwitchoverLoad.start(stack.url, clients, SERVICE, SERVICE);
  await sleep(1000);
  await load.reset();
  const failStart = clock();
  await bam2.stop();
  await until('the failover', async () => (await state()).monitoring_state === 'FAILOVER_IN_PROGRESS');
  await json(stack, 'POST', '/_local/bam/bam1/promote');
  await until('bam1 confirmed', async () => (await state()).primary_url === bam1.url);
  const failEnd = clock();
  await sleep(2000);
  const unplanned = report('(b) unplanned failover (bam2 stopped, bam1 promoted)', await load.stop(), [failStart, failEnd]);
  await afterChange(open);

  const ratio = unplanned.failed === 0 ? 'n/a' : (planned.failed / unplanned.failed).toFixed(3);
  console.log(`\nfailed planned/unplanned: ${planned.failed}/${unplanned.failed} = ${ratio}`);
  const bound = Math.round(pauseMs + 500);
  console.log(`goal 0 failed in the planned switchover: ${planned.failed === 0 ? 'met' : 'MISSED'}; held p99 ≤ BAM's pause + 500 ms (${bound} ms): ${planned.heldP99 <= bound ? 'met' : 'MISSED'}`);
  console.log(`planned_failed=${planned.failed} unplanned_failed=${unplanned.failed} held_p99_ms=${planned.heldP99} held_max_ms=${planned.heldMax} pause_ms=${Math.round(pauseMs)}`);
} finally {
  await stack.close();
}
