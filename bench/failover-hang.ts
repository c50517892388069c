/**
 * `npm run bench:failover -- --hang`: the Primary accepts connections and stops answering (a hang)
 * while N clients (default 100: half restorable sessions, half alias users) call the sample
 * workflow; then the operator promotes the Standby. The same trials follow with the Primary
 * stopped instead, under the same load, for comparison. Per trial: detection (fault →
 * FAILOVER_IN_PROGRESS as the status shows it), restore (promote → the first restorable call
 * served, polled every 20 ms by one more restorable session) and what the clients got. Goals
 * (the goals): hang detection p95 within (N−1) intervals + one probe timeout + 0.5 s; restore p95 ≤
 * 1 s after a hang as after a stop; no 5xx but the failover 503, no 401 for restorable sessions; no
 * call longer than the BAM timeout.
 */
import os from 'node:os';
import { startLocalStack, type LocalStack } from '../local/runtime.js';
import { errorsIn, percentile, type LoadTally } from './support/load-driver.js';
import { ThreadedLoadDriver } from './support/threaded-load-driver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number) => `${Math.round(x)} ms`;
const INTERVAL = 1000;
const TIMEOUT = 1000;
const FAILURES = 2;
const BAM_TIMEOUT = 5000;

async function json(stack: LocalStack, method: string, path: string, token?: string) {
  const res = await fetch(stack.url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

async function waitFor(check: () => Promise<boolean>, pollMs: number, timeoutMs = 30_000): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error('timed out');
    await sleep(pollMs);
  }
}

function line(name: string, xs: number[]): string {
  const q = (p: number) => ms(percentile(xs, p)).padStart(8);
  return `${name.padEnd(44)} min ${q(0)}   p50 ${q(0.5)}   p95 ${q(0.95)}   max ${q(1)}`;
}

interface Figures {
  detections: number[];
  restores: number[];
  tally: LoadTally;
}

type Monitoring = { monitoring_state: string; split_brain: boolean; servers: { name: string; role: string }[] };

/** `trials` of: fault the Primary, wait for the failover, promote the Standby, time the restore, bring the old Primary back as a Standby. */
async function trialsOf(fault: 'hang' | 'stop', stack: LocalStack, load: ThreadedLoadDriver, token: string, trials: number): Promise<Figures> {
  const monitoring = async () => (await json(stack, 'GET', '/_local/state')).body.monitoring as Monitoring;
  const out: Figures = { detections: [], restores: [], tally: { counts: {}, latenciesMs: [] } };
  for (let i = 0; i < trials; i++) {
    const primary = stack.cluster!.currentPrimary;
    const standby = stack.cluster!.snapshot().find((s) => s.role === 'Standby')!.name;
    await sleep(1000 + Math.random() * 1000); // a random point of the monitor's cycle
    await load.take();
    // Straight on the simulated server (this thread): the moment it stops answering is known.
    const faultAt = performance.now();
    if (fault === 'hang') stack.cluster!.server(primary).hang();
    else await stack.cluster!.server(primary).stop();
    await waitFor(async () => (await monitoring()).monitoring_state === 'FAILOVER_IN_PROGRESS', 10);
    const detection = performance.now() - faultAt;
    const promoteAt = performance.now();
    const promoted = await json(stack, 'POST', `/_local/bam/${standby}/promote`);
    if (promoted.status !== 200) throw new Error(`promote ${standby} failed: ${promoted.status} ${JSON.stringify(promoted.body)}`);
    await waitFor(async () => (await json(stack, 'GET', '/failover_rest_endpoints/get_configurations', token)).status === 200, 20);
    const restore = performance.now() - promoteAt;
    await sleep(BAM_TIMEOUT + 500); // every call sent to the faulty server has ended by now
    const tally = await load.take();
    for (const [k, n] of Object.entries(tally.counts)) out.tally.counts[k] = (out.tally.counts[k] ?? 0) + n;
    out.tally.latenciesMs.push(...tally.latenciesMs);
    out.detections.push(detection);
    out.restores.push(restore);
    console.log(
      `${fault} trial ${String(i + 1).padStart(2)}/${trials}: ${primary} ${fault === 'hang' ? 'hung' : 'stopped'}, ${standby} promoted: detection ${ms(detection)}, restore ${ms(restore)}, slowest call ${ms(percentile(tally.latenciesMs, 1))} (load ${os.loadavg()[0]!.toFixed(2)})`,
    );
    // The old Primary answers again, still claiming Primary: the operator re-adds it as a Standby.
    await json(stack, 'POST', `/_local/bam/${primary}/start`);
    const readd = await json(stack, 'POST', `/_local/bam/${primary}/readd`);
    if (readd.status !== 200) throw new Error(`readd ${primary} failed: ${readd.status} ${JSON.stringify(readd.body)}`);
    await waitFor(async () => {
      const m = await monitoring();
      return !m.split_brain && m.servers.find((s) => s.name === primary)?.role === 'STANDBY';
    }, 50);
  }
  return out;
}

/** Runs the hang trials, then the stop trials, under the same load; prints the figures; answers whether every goal was met. */
export async function hangBench(trials: number, clients: number): Promise<boolean> {
  const bound = (FAILURES - 1) * INTERVAL + TIMEOUT + 500;
  console.log(
    `bench:failover --hang: ${trials} hang trials, then ${trials} stop trials, under ${clients} clients (half restorable, half alias); probe ${INTERVAL} ms, timeout ${TIMEOUT} ms, ${FAILURES} failures, BAM timeout ${BAM_TIMEOUT} ms`,
  );
  // The gateway in a thread of its own, as it runs on machines of its own; the clients in another.
  const stack = await startLocalStack({ gatewayThread: true, env: { POWERTOOLS_LOG_LEVEL: 'ERROR', LOGIN_MAX_CONCURRENT: '1000', LOGIN_MAX_CONCURRENT_PER_IP: '1000' } });
  let hang: Figures;
  let stop: Figures;
  try {
    const svc = await fetch(`${stack.url}/rest_login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'gateway-svc', password: 'gateway-svc-pass' }),
    });
    const token = String(((await svc.json()) as { access_token: string }).access_token).split(' ')[1]!;
    const load = await ThreadedLoadDriver.start(stack.url, clients);
    hang = await trialsOf('hang', stack, load, token, trials);
    stop = await trialsOf('stop', stack, load, token, trials);
    await load.stop();
  } finally {
    await stack.close();
  }
  const errors = errorsIn({ counts: { ...hang.tally.counts }, latenciesMs: [] }, { aliasEndsAllowed: true });
  const slowest = percentile(hang.tally.latenciesMs, 1);
  console.log('\nresults');
  console.log(line('hang: detection (hang → FAILOVER_IN_PROGRESS)', hang.detections));
  console.log(line('hang: restore (promote → restorable served)', hang.restores));
  console.log(line('hang: client calls', hang.tally.latenciesMs));
  console.log(`hang: client answers ${JSON.stringify(Object.fromEntries(Object.entries(hang.tally.counts).sort()))}`);
  console.log(line('stop: detection (stop → FAILOVER_IN_PROGRESS)', stop.detections));
  console.log(line('stop: restore (promote → restorable served)', stop.restores));
  console.log(line('stop: client calls', stop.tally.latenciesMs));
  console.log(`stop: client answers ${JSON.stringify(Object.fromEntries(Object.entries(stop.tally.counts).sort()))}`);
  const goals = [percentile(hang.detections, 0.95) <= bound, percentile(hang.restores, 0.95) <= 1000, Object.keys(errors).length === 0, slowest <= BAM_TIMEOUT];
  console.log(
    `goals (hang): detection p95 ≤ ${bound} ms ${goals[0] ? 'met' : 'MISSED'}; restore p95 ≤ 1000 ms ${goals[1] ? 'met' : 'MISSED'}; no 5xx but the failover 503, no restorable 401 ${goals[2] ? 'met' : `MISSED ${JSON.stringify(errors)}`}; no call past the BAM timeout ${goals[3] ? 'met' : 'MISSED'}`,
  );
  console.log(
    `hang_detection_p95_ms=${Math.round(percentile(hang.detections, 0.95))} hang_restore_p95_ms=${Math.round(percentile(hang.restores, 0.95))} stop_restore_p95_ms=${Math.round(percentile(stop.restores, 0.95))} slowest_call_ms=${Math.round(slowest)} load=${os.loadavg()[0]!.toFixed(2)}`,
  );
  return goals.every(Boolean);
}
