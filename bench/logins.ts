/**
 * `npm run bench:logins [-- --logins N --concurrency N --burst N --baseline REF]`: what the login
 * limits cost, on the local stack, for this code and (in the same run) the code at git REF:
 *   - a burst: `--burst` clients (default 100) of one user logging in at once, as after a failover,
 *     from an address that logged in before and from a new one: answers by status (goal: no 429);
 *   - throughput: `--logins` right logins (default 20,000) of one user by `--concurrency` clients
 *     (default 50), each waiting Retry-After on a 429 as a well-behaved client does: logins/s, p50,
 *     p99 and the 429s seen.
 * Each gateway runs alone in a child process with the simulated BAM and dynalite, in a thread of
 * its own there (as in production, where BAM and DynamoDB are other machines; `--one-thread`: all
 * on one event loop); the clients run here. The DynamoDB requests are counted where dynalite
 * receives them (the monitor's background reads included), per login, and the child's CPU time
 * (gateway, simulated BAM and dynalite together) per login is measured: on a shared machine
 * logins/s follow its load, CPU per login much less. The load average is printed before and after
 * each part: compare figures within one run.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cli } from '../bin/cli-options.js';
import { BENCH_LOGINS } from '../bin/commands.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const values = cli(BENCH_LOGINS);

interface Figures {
  burstKnown: Record<string, number>;
  burstNew: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  refused: number;
  opsPerLogin: number;
  opsKinds: string;
  /** CPU time of the gateway process (gateway, simulated BAM, dynalite) per login: what the machine's load does not change. */
  cpuMsPerLogin: number;
  load: string;
}

if (values.child) await gatewayProcess(values.child as string, values['one-thread'] !== true);
else {
  await parent();
  process.exit(0);
}

async function parent(): Promise<void> {
  const runs: [string, Figures][] = [];
  console.log(`bench:logins: ${values.logins} logins by ${values.concurrency} clients; bursts of ${values.burst}; ${os.cpus().length} cores, load ${loadavg()}`);
  if (values.baseline !== 'none') {
    console.log(`measuring the baseline (${values.baseline}) ...`);
    runs.push([`before (${values.baseline})`, await measure(baselineTree(values.baseline as string))]);
  }
  console.log('measuring this code ...');
  runs.push(['this code', await measure(root)]);
  const statuses = (c: Record<string, number>) =>
    Object.entries(c)
      .sort()
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
  for (const [name, f] of runs) {
    console.log(`\n${name} (load average during the run: ${f.load})`);
    console.log(`  burst of ${values.burst}, known address: ${statuses(f.burstKnown)}`);
    console.log(`  burst of ${values.burst}, new address:   ${statuses(f.burstNew)}`);
    console.log(
      `  ${values.logins} logins at c=${values.concurrency}: ${f.rps.toFixed(0)} logins/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, ${f.refused} answered 429; ${f.opsPerLogin.toFixed(2)} DynamoDB requests per login`,
    );
    console.log(`  DynamoDB requests per login by kind: ${f.opsKinds}`);
    console.log(`  CPU of the gateway process (gateway, simulated BAM, dynalite) per login: ${f.cpuMsPerLogin.toFixed(2)} ms`);
  }
  const now = runs[runs.length - 1]![1];
  const burst429 = (now.burstKnown['429'] ?? 0) + (now.burstNew['429'] ?? 0);
  console.log(`\ngoals: bursts without 429 ${burst429 === 0 ? 'met' : `NOT met (${burst429})`}; logins/s ${now.rps.toFixed(0)} (goal >= 297 on a quiet machine)`);
  console.log(
    `logins_per_second=${now.rps.toFixed(1)} burst_429=${burst429} login_p99_ms=${now.p99.toFixed(1)} ddb_requests_per_login=${now.opsPerLogin.toFixed(2)} cpu_ms_per_login=${now.cpuMsPerLogin.toFixed(2)}`,
  );
}

/** The code at `ref`, unpacked once into .bench/ (git archive: the repository is not touched), sharing node_modules. */
function baselineTree(ref: string): string {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: root, encoding: 'utf8' }).trim();
  const dir = path.join(root, '.bench', `baseline-${sha}`);
  if (!existsSync(path.join(dir, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: root });
  }
  if (!existsSync(path.join(dir, 'node_modules'))) symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** One gateway (the code in `code`) in a fresh child process, measured from here. */
async function measure(code: string): Promise<Figures> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', code, ...(values['one-thread'] === true ? ['--one-thread'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (rc) => reject(new Error(`the gateway process exited (${rc})`))));
  exited.catch(() => undefined);
  const ask = <T>(cmd: string) =>
    Promise.race([
      new Promise<T>((resolve) => {
        child.once('message', (m) => resolve(m as T));
        child.send(cmd);
      }),
      exited,
    ]);
  try {
    const url = await ask<string>('start');
    const loads = [loadavg()];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
    for (let i = 0; i < 20; i++) await login(url, agent, '127.0.0.1'); // warm up; the address becomes known
    const burst = async (ip: string) => tally(await Promise.all(Array.from({ length: values.burst as number }, () => login(url, undefined, ip))));
    const burstKnown = await burst('127.0.0.1');
    const burstNew = await burst('127.0.0.2');
    loads.push(loadavg());
    const lat: number[] = [];
    let refused = 0;
    let next = 0;
    const opsBefore = await ask<Record<string, number>>('ops');
    const started = performance.now();
    await Promise.all(
      Array.from({ length: values.concurrency as number }, async () => {
        while (next++ < (values.logins as number)) {
          const t = performance.now();
          for (;;) {
            const r = await login(url, agent, '127.0.0.1');
            if (r.status === 200) break;
            if (r.status !== 429) throw new Error(`login answered ${r.status}`);
            refused++;
            await new Promise((done) => setTimeout(done, r.retryAfterMs));
          }
          lat.push(performance.now() - t);
        }
      }),
    );
    const rps = lat.length / ((performance.now() - started) / 1000);
    const opsAfter = await ask<Record<string, number>>('ops');
    const cpuMsPerLogin = (opsAfter.__cpuMicros! - opsBefore.__cpuMicros!) / 1000 / lat.length;
    delete opsAfter.__cpuMicros;
    const perLogin = Object.fromEntries(Object.entries(opsAfter).map(([k, n]) => [k, (n - (opsBefore[k] ?? 0)) / lat.length]));
    const opsPerLogin = Object.values(perLogin).reduce((a, b) => a + b, 0);
    const opsKinds = Object.entries(perLogin)
      .filter(([, n]) => n >= 0.005)
      .map(([k, n]) => `${k} ${n.toFixed(2)}`)
      .join(', ');
    loads.push(loadavg());
    agent.destroy();
    return { burstKnown, burstNew, rps, p50: pct(lat, 0.5), p99: pct(lat, 0.99), refused, opsPerLogin, opsKinds, cpuMsPerLogin, load: loads.join(' → ') };
  } finally {
    child.kill();
  }
}

/** The gateway process: the stack of the code in `code`, its DynamoDB requests counted. */
async function gatewayProcess(code: string, thread: boolean): Promise<void> {
  // DynamoDB requests are counted where they arrive (dynalite's HTTP server, in this thread), by
  // operation: the same for any code measured, the gateway in a thread of its own or not.
  const ops: Record<string, number> = {};
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    const target = event === 'request' ? (args[0] as http.IncomingMessage).headers['x-amz-target'] : undefined;
    if (typeof target === 'string') {
      const name = target.split('.').pop()!;
      ops[name] = (ops[name] ?? 0) + 1;
    }
    return (emit as (this: http.Server, event: string, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  const { startLocalStack } = (await import(pathToFileURL(path.join(code, 'local/runtime.ts')).href)) as typeof import('../local/runtime.js');
  let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
  process.on(
    'message',
    (cmd: string) =>
      void (async () => {
        if (cmd === 'start') {
          stack = await startLocalStack({ gatewayThread: thread, env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
          process.send!(stack.url);
        } else if (cmd === 'ops') {
          const cpu = process.cpuUsage();
          process.send!({ ...ops, __cpuMicros: cpu.user + cpu.system });
        }
      })(),
  );
  process.on('disconnect', () => void (stack?.close() ?? Promise.resolve()).finally(() => process.exit(0)));
}

type Answer = { status: number; retryAfterMs: number };

function login(base: string, agent: http.Agent | undefined, ip: string): Promise<Answer> {
  const body = JSON.stringify({ username: 'alice', password: 'alice-pass' });
  const url = new URL('/rest_login', base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: ip,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(agent ? { agent } : { agent: false }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterMs: (Number(res.headers['retry-after']) || 1) * 1000 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function tally(answers: Answer[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const a of answers) t[a.status] = (t[a.status] ?? 0) + 1;
  return t;
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

function loadavg(): string {
  return os.loadavg()[0]!.toFixed(2);
}
