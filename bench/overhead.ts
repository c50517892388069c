/**
 * `npm run bench:overhead [-- --seconds N --sessions N --baseline REF]`: what the gateway adds to a
 * BAM call, on the local runtime. In one run, for this code and for the code at git REF (default:
 * the commit before the request-path work; `none` skips it), each gateway alone in a fresh process
 * (DynamoDB, counting what it serves, and the load clients run in this one):
 *   - the same BAM call (REST v2 GET /configurations as alice) made directly against the simulated
 *     Primary and through the sample workflow, at concurrency 1, 10 and 50: req/s, p50, p99, the
 *     ratios gateway/direct, and DynamoDB operations and items per gateway request (a batch counts
 *     each of its keys), counted by a middleware on the gateway's own DynamoDB client (the
 *     monitor's background reads are included);
 *   - logins per second and their p99 at concurrency 10, with 0 and with N (default 50,000) stored
 *     sessions (this code only), and the workflow's p50 at c=10 with them;
 *   - the DynamoDB reads and writes per minute of an idle two-node group, counted at the server.
 * The last line is machine-readable: ddb_ops_per_request, ddb_items_per_request, p50_gateway_ms_c10,
 * p50_direct_ms_c10.
 */
import http from 'node:http';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cli } from '../bin/cli-options.js';
import { send, type Reply } from './support/http-client.js';
import { BENCH_OVERHEAD, OVERHEAD_BASELINE } from '../bin/commands.js';

// Lambda runs Node 22; the SDK's warning about this machine's Node 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LEVELS = [1, 10, 50];

const values = cli(BENCH_OVERHEAD);
const seconds = values.seconds as number;
const sessions = values.sessions as number;

interface Level {
  c: number;
  rps: number;
  p50: number;
  p99: number;
}
interface Figures {
  direct: Level[];
  gateway: Level[];
  ddbOpsPerRequest: number;
  /** Items each request read or wrote: a batch counts each of its keys (requests of one turn share a batch). */
  ddbItemsPerRequest: number;
  logins: { stored: number; rps: number; p99: number; p50WorkflowC10: number }[];
  idle: { readsPerMin: number; writesPerMin: number };
}

if (values.child) await gatewayProcess(values.child as string);
else {
  await parent();
  process.exit(0);
}

async function parent(): Promise<void> {
  const runs: [string, Figures][] = [];
  if (values.baseline !== 'none') {
    const dir = baselineTree(values.baseline as string);
    console.log(`measuring the baseline (${values.baseline}) ...`);
    runs.push([`before (${values.baseline})`, await child(dir, 0)]);
  }
  console.log('measuring this code ...');
  runs.push(['this code', await child(root, sessions)]);
  const now = runs[runs.length - 1]![1];
  const before = runs.length > 1 ? runs[0]![1] : undefined;
  const f = (n: number, d = 2) => n.toFixed(d).padStart(8);
  console.log('\nworkflow GET /failover_rest_endpoints/get_configurations vs the same BAM call made directly');
  for (const [name, r] of runs) {
    console.log(`\n${name}: DynamoDB operations per gateway request ${r.ddbOpsPerRequest.toFixed(3)}, items ${r.ddbItemsPerRequest.toFixed(3)}`);
    console.log('   c   direct req/s  p50 ms  p99 ms   gateway req/s  p50 ms  p99 ms   gateway/direct req/s  p50');
    r.gateway.forEach((g, i) => {
      const d = r.direct[i]!;
      console.log(
        `${String(g.c).padStart(4)} ${f(d.rps, 0).padStart(14)}${f(d.p50)}${f(d.p99)} ${f(g.rps, 0).padStart(15)}${f(g.p50)}${f(g.p99)} ${f(g.rps / d.rps, 3).padStart(21)}${f(g.p50 / d.p50, 1)}`,
      );
    });
    console.log(`idle two-node group: ${r.idle.readsPerMin} DynamoDB reads, ${r.idle.writesPerMin} writes per minute`);
  }
  if (before) {
    console.log('\nthis code / before:');
    for (const [i, g] of now.gateway.entries()) {
      console.log(`  c=${g.c}: req/s ${(g.rps / before.gateway[i]!.rps).toFixed(2)}x   p50 ${(g.p50 / before.gateway[i]!.p50).toFixed(2)}x   p99 ${(g.p99 / before.gateway[i]!.p99).toFixed(2)}x`);
    }
  }
  console.log('\nlogins at c=10 (this code):');
  for (const l of now.logins)
    console.log(`  ${String(l.stored).padStart(6)} stored sessions: ${l.rps.toFixed(0)} logins/s, p99 ${l.p99.toFixed(1)} ms; workflow p50 at c=10 ${l.p50WorkflowC10.toFixed(2)} ms`);
  const c10 = (r: Figures, k: 'gateway' | 'direct') => r[k].find((x) => x.c === 10)!.p50;
  const goals = [
    `ddb items/request ${now.ddbItemsPerRequest.toFixed(3)} <= 1.05: ${now.ddbItemsPerRequest <= 1.05 ? 'met' : 'NOT met'}`,
    ...(before
      ? [`gateway p50 c=10 ${(c10(now, 'gateway') / c10(before, 'gateway')).toFixed(2)}x of before <= 0.45x: ${c10(now, 'gateway') <= 0.45 * c10(before, 'gateway') ? 'met' : 'NOT met'}`]
      : []),
  ];
  console.log(`\ngoals: ${goals.join('; ')}`);
  console.log(
    `ddb_ops_per_request=${now.ddbOpsPerRequest.toFixed(3)} ddb_items_per_request=${now.ddbItemsPerRequest.toFixed(3)} p50_gateway_ms_c10=${c10(now, 'gateway').toFixed(2)} p50_direct_ms_c10=${c10(now, 'direct').toFixed(2)}`,
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

/**
 * Measures the code in `code`. The gateway (with its simulated BAM cluster) runs alone in a child
 * process; DynamoDB (dynalite, counting what it serves) and the load clients run here: in AWS
 * neither shares the gateway's CPU.
 */
async function child(code: string, stored: number): Promise<Figures> {
  const counted = await countingDynalite();
  // A fresh gateway process per stack: a process reads its configuration once, as a Lambda does.
  const gateway = () => {
    const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', code], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        GATEWAY_TEST_DYNAMODB: counted.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: counted.endpoint,
        AWS_REGION: 'local',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });
    const exited = new Promise<never>((_, reject) => p.on('exit', (rc) => reject(new Error(`measuring ${code}: the gateway process exited (${rc})`))));
    exited.catch(() => undefined);
    const ask = <T>(cmd: string) =>
      Promise.race([
        new Promise<T>((resolve) => {
          p.once('message', (m) => resolve(m as T));
          p.send(cmd);
        }),
        exited,
      ]);
    return { ask, kill: () => p.kill() };
  };
  const single = gateway();
  let group: ReturnType<typeof gateway> | undefined;
  const ask = single.ask;
  try {
    const { url, bam, table } = await ask<{ url: string; bam: string; table: string }>('single');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
    // A session per client, as many users would have: requests of one turn then read different items (one
    // token for all would read one item for all of them, which says nothing of a request's reads).
    const tokens: string[] = [];
    for (let i = 0; i < Math.max(...LEVELS); i++) tokens.push(await loginToken(url, agent));
    const basic = await bamLogin(bam, agent);
    const direct = () => get(`${bam}/api/v2/configurations?fields=id,name`, { authorization: basic }, agent);
    const viaGateway = (client: number) => get(`${url}/failover_rest_endpoints/get_configurations`, { authorization: `Bearer ${tokens[client]!}` }, agent);
    const figures: Figures = { direct: [], gateway: [], ddbOpsPerRequest: 0, ddbItemsPerRequest: 0, logins: [], idle: { readsPerMin: 0, writesPerMin: 0 } };
    await run(viaGateway, 10, 1); // warm both paths
    await run(direct, 10, 1);
    let requests = 0;
    let ops = 0;
    let items = 0;
    for (const c of LEVELS) {
      figures.direct.push(await run(direct, c, seconds));
      const before = await ask<{ ops: number; items: number }>('ops');
      const g = await run(viaGateway, c, seconds);
      const after = await ask<{ ops: number; items: number }>('ops');
      ops += after.ops - before.ops;
      items += after.items - before.items;
      requests += g.count;
      figures.gateway.push(g);
    }
    figures.ddbOpsPerRequest = ops / requests;
    figures.ddbItemsPerRequest = items / requests;

    const logins = async (n: number) => {
      const lat: number[] = [];
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (next++ < n) {
            const t = performance.now();
            await loginToken(url, agent);
            lat.push(performance.now() - t);
          }
        }),
      );
      return { rps: n / ((performance.now() - started) / 1000), p99: pct(lat, 0.99) };
    };
    const loginFigures = async (storedNow: number) => ({ stored: storedNow, ...(await logins(200)), p50WorkflowC10: (await run(viaGateway, 10, seconds)).p50 });
    figures.logins.push(await loginFigures(0));
    if (stored > 0) {
      // Loaded only when seeding (here, between two measurements): --help answers without the SDK.
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const { BatchWriteCommand, DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
      const { seedSessions } = await import('../local/session-seed.js');
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: counted.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
      await seedSessions((batch) => db.send(new BatchWriteCommand({ RequestItems: { [table]: batch } })), [[stored, {}]]);
      figures.logins.push(await loginFigures(stored));
    }
    agent.destroy();

    await ask('close');
    // An idle two-node group: what both nodes (node b in a worker) ask DynamoDB, counted at the server.
    group = gateway();
    await group.ask('group');
    await new Promise((r) => setTimeout(r, 3000));
    const before = { ...counted.ops };
    const window = Math.max(20, seconds * 5);
    await new Promise((r) => setTimeout(r, window * 1000));
    const perMin = (kinds: string[]) => Math.round((kinds.reduce((n, k) => n + (counted.ops[k] ?? 0) - (before[k] ?? 0), 0) * 60) / window);
    figures.idle = { readsPerMin: perMin(['GetItem', 'Query', 'BatchGetItem', 'Scan']), writesPerMin: perMin(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']) };
    await group.ask('close');
    return figures;
  } finally {
    single.kill();
    group?.kill();
    await counted.close();
  }
}

/** The gateway process: runs the stack of the code in `code`, as the parent asks. */
async function gatewayProcess(code: string): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startLocalStack } = (await import(pathToFileURL(path.join(code, 'local/runtime.ts')).href)) as typeof import('../local/runtime.js');
  const { documentClient } = (await import(pathToFileURL(path.join(code, 'functions/adapters/dynamo.ts')).href)) as typeof import('../functions/adapters/dynamo.js');
  // The gateway's own DynamoDB operations, counted by an SDK middleware on its client.
  let sdkOps = 0;
  let sdkItems = 0;
  documentClient.middlewareStack.add(
    (next) => async (args) => {
      sdkOps++;
      const batch = (args.input as { RequestItems?: Record<string, unknown[] | { Keys?: unknown[] }> }).RequestItems;
      sdkItems += batch ? Object.values(batch).reduce<number>((n, r) => n + (Array.isArray(r) ? r.length : (r.Keys?.length ?? 0)), 0) : 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountOps' },
  );
  let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
  process.on(
    'message',
    (cmd: string) =>
      void (async () => {
        if (cmd === 'single') {
          stack = await startLocalStack({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
          process.send!({ url: stack.url, bam: stack.cluster!.server('bam1').url, table: stack.env.TABLE_NAME });
        } else if (cmd === 'ops') process.send!({ ops: sdkOps, items: sdkItems });
        else if (cmd === 'group') {
          stack = await startLocalStack({ nodes: 2, env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
          process.send!('ready');
        } else if (cmd === 'close') {
          await stack?.close();
          process.send!('closed', () => process.exit(0));
        }
      })(),
  );
}

/** dynalite counting the operations it serves, by name (x-amz-target). */
async function countingDynalite() {
  const dynalite = (await import('dynalite')).default;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const ops: Record<string, number> = {};
  server.prependListener('request', (req: http.IncomingMessage) => {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    ops[op] = (ops[op] ?? 0) + 1;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ops, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** `c` clients calling in a loop for `secs` seconds. */
async function run(call: (client: number) => Promise<number>, c: number, secs: number): Promise<Level & { count: number }> {
  const lat: number[] = [];
  const until = performance.now() + secs * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: c }, async (_, client) => {
      while (performance.now() < until) {
        const t = performance.now();
        const status = await call(client);
        if (status !== 200) throw new Error(`answer ${status}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { c, rps: lat.length / ((performance.now() - started) / 1000), p50: pct(lat, 0.5), p99: pct(lat, 0.99), count: lat.length };
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/** A request as the benchmarks' clients send it; a body is JSON. */
function request(url: string, method: string, headers: Record<string, string>, agent: http.Agent, body?: string): Promise<Reply> {
  return send(url, method, body ? { ...headers, 'content-type': 'application/json' } : headers, body, agent);
}

async function get(url: string, headers: Record<string, string>, agent: http.Agent): Promise<number> {
  return (await request(url, 'GET', headers, agent)).status;
}

async function loginToken(base: string, agent: http.Agent): Promise<string> {
  const r = await request(`${base}/rest_login`, 'POST', {}, agent, JSON.stringify({ username: 'alice', password: 'alice-pass' }));
  if (r.status !== 200) throw new Error(`login answered ${r.status}: ${r.text}`);
  return (JSON.parse(r.text) as { access_token: string }).access_token.replace(/^BAMAuthToken: /, '');
}

async function bamLogin(bam: string, agent: http.Agent): Promise<string> {
  const r = await request(`${bam}/api/v2/sessions`, 'POST', {}, agent, JSON.stringify({ username: 'alice', password: 'alice-pass' }));
  return `Basic ${(JSON.parse(r.text) as { basicAuthenticationCredentials: string }).basicAuthenticationCredentials}`;
}
