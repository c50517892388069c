/**
 * `npm run bench:failover -- --hang`: the Primary accepts connections and stops answering (a hang)
 * while N clients (default 100: half restorable sessions, half alias users) call the sample
 * workflow; then the operator promotes the Standby. Per trial: detection (hang → FAILOVER_IN_PROGRESS
 * as the status shows it), restore (promote → the first restorable call served, polled every 20 ms
 * by one more restorable session) and what the clients got. Goals (issue 24): detection p95 within
 * (N−1) intervals + one probe timeout + 0.5 s; restore p95 ≤ 1 s; no 5xx but the failover 503, no
 * 401 for restorable sessions; no call longer than the BAM timeout.
 */
import os from 'node:os';
import { startLocalStack, type LocalStack } from '../local/runtime.js';
import { errorsIn, percentile, type LoadTally } from '../local/load-driver.js';
import { ThreadedLoadDriver } from '../local/threaded-load-driver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number) => `${Math.round(x)} ms`;

async function json(stack: LocalStack, method: string, path: string, token?: string) {
  const res = await fetch(stack.url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
}

async function waitFor(check: () => Promise<boolean>, pollMs: number, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error('timed out');
    await sleep(pollMs);
  }
  return performance.now() - started;
}

export function line(name: string, xs: number[]): string {
  const q = (p: number) => ms(percentile(xs, p)).padStart(8);
  return `${name.padEnd(42)} min ${q(0)}   p50 ${q(0.5)}   p95 ${q(0.95)}   max ${q(1)}`;
}

/** Runs the hang trials and prints the figures; answers whether every goal was met. */
export async function hangBench(trials: number, clients: number): Promise<boolean> {
  const env = { POWERTOOLS_LOG_LEVEL: 'ERROR', LOGIN_MAX_CONCURRENT: '1000', LOGIN_MAX_CONCURRENT_PER_IP: '1000' };
  // The gateway in a thread of its own, as it runs on machines of its own: the clients' work does not queue in front of it.
  const stack = await startLocalStack({ gatewayThread: true, env });
  const interval = 1000;
  const timeout = 1000;
  const failures = 2;
  const bamTimeout = 5000;
  const bound = (failures - 1) * interval + timeout + 500;
  console.log(
    `bench:failover --hang: ${trials} trials under ${clients} clients (half restorable, half alias); probe ${interval} ms, timeout ${timeout} ms, ${failures} failures, BAM timeout ${bamTimeout} ms`,
  );
  const detections: number[] = [];
  const restores: number[] = [];
  const all: LoadTally = { counts: {}, latenciesMs: [] };
  try {
    const monitoring = async () => (await json(stack, 'GET', '/_local/state')).body.monitoring;
    const svc = await fetch(`${stack.url}/rest_login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'gateway-svc', password: 'gateway-svc-pass' }),
    });
    const token = String(((await svc.json()) as { access_token: string }).access_token).split(' ')[1]!;
    // The clients in a thread of their own too: the simulated servers and DynamoDB keep this one.
    const load = await ThreadedLoadDriver.start(stack.url, clients);
    for (let i = 0; i < trials; i++) {
      const primary = stack.cluster!.currentPrimary;
      const standby = stack.cluster!.snapshot().find((s) => s.role === 'Standby')!.name;
      await sleep(1000 + Math.random() * 1000); // a random point of the monitor's cycle
      await load.take();
      // Straight on the simulated server (this thread): the moment it stops answering is known.
      const hungAt = performance.now();
      stack.cluster!.server(primary).hang();
      await waitFor(async () => (await monitoring()).monitoring_state === 'FAILOVER_IN_PROGRESS', 10);
      const detection = performance.now() - hungAt;
      const promoteAt = performance.now();
      const promoted = await json(stack, 'POST', `/_local/bam/${standby}/promote`);
      if (promoted.status !== 200) throw new Error(`promote ${standby} failed: ${promoted.status} ${JSON.stringify(promoted.body)}`);
      await waitFor(async () => (await json(stack, 'GET', '/failover_rest_endpoints/get_configurations', token)).status === 200, 20);
      const restore = performance.now() - promoteAt;
      await sleep(bamTimeout + 500); // every call sent to the hung server has ended by now
      const tally = await load.take();
      for (const [k, n] of Object.entries(tally.counts)) all.counts[k] = (all.counts[k] ?? 0) + n;
      all.latenciesMs.push(...tally.latenciesMs);
      detections.push(detection);
      restores.push(restore);
      const slowest = percentile(tally.latenciesMs, 1);
      console.log(
        `trial ${String(i + 1).padStart(2)}/${trials}: ${primary} hung, ${standby} promoted: detection ${ms(detection)}, restore ${ms(restore)}, slowest call ${ms(slowest)} (load ${os.loadavg()[0]!.toFixed(2)})`,
      );
      // The old Primary answers again, still claiming Primary: the operator re-adds it as a Standby.
      await json(stack, 'POST', `/_local/bam/${primary}/start`);
      const readd = await json(stack, 'POST', `/_local/bam/${primary}/readd`);
      if (readd.status !== 200) throw new Error(`readd ${primary} failed: ${readd.status} ${JSON.stringify(readd.body)}`);
      await waitFor(async () => {
        const m = await monitoring();
        return !m.split_brain && m.servers.find((s: { name: string }) => s.name === primary)?.role === 'STANDBY';
      }, 50);
    }
    await load.stop();
  } finally {
    await stack.close();
  }
  const errors = errorsIn(all, { aliasEndsAllowed: true });
  console.log('\nresults (hang)');
  console.log(line('detection (hang → FAILOVER_IN_PROGRESS)', detections));
  console.log(line('restore (promote → restorable call served)', restores));
  console.log(line('client calls', all.latenciesMs));
  console.log(`client answers: ${JSON.stringify(Object.fromEntries(Object.entries(all.counts).sort()))}`);
  const goals = [percentile(detections, 0.95) <= bound, percentile(restores, 0.95) <= 1000, Object.keys(errors).length === 0, percentile(all.latenciesMs, 1) <= bamTimeout + 500];
  console.log(
    `goals: detection p95 ≤ ${bound} ms ${goals[0] ? 'met' : 'MISSED'}; restore p95 ≤ 1000 ms ${goals[1] ? 'met' : 'MISSED'}; no 5xx but the failover 503, no restorable 401 ${goals[2] ? 'met' : `MISSED ${JSON.stringify(errors)}`}; no call past the BAM timeout ${goals[3] ? 'met' : 'MISSED'}`,
  );
  console.log(
    `hang_detection_p95_ms=${Math.round(percentile(detections, 0.95))} hang_restore_p95_ms=${Math.round(percentile(restores, 0.95))} slowest_call_ms=${Math.round(percentile(all.latenciesMs, 1))}`,
  );
  return goals.every(Boolean);
}
