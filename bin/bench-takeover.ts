/**
 * `npm run bench:takeover [-- --trials N]`: the local availability group (intervals 1 s / 1 s / 3 s)
 * through N trials of: stop the Primary node → time until the other node reports primary → start
 * the stopped node again (it returns as Secondary). Prints min / p50 / p95 against the goal
 * allowed_absence_interval + health_check_interval.
 */
import { startLocalStack } from '../local/runtime.js';
import { cli } from './cli-options.js';
import { BENCH_TAKEOVER } from './commands.js';

const trials = cli(BENCH_TAKEOVER).trials as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await startLocalStack({ nodes: 2, env: { POWERTOOLS_LOG_LEVEL: 'WARN' } }); // only the figures on the console
const urls = { a: stack.nodes.get('a')!.url, b: stack.nodes.get('b')!.url };
const env = { report: 1000, check: 1000, absence: 3000 };
const goal = env.absence + env.check;

async function login(base: string) {
  const res = await fetch(`${base}/rest_login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'gateway-svc', password: 'gateway-svc-pass' }) });
  return String(((await res.json()) as { access_token: string }).access_token).split(' ')[1]!;
}
async function role(base: string, token: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${base}/ag/api/v1/state`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { node_role: string }).node_role;
  } catch {
    return undefined; // that node is down
  }
}

const times: number[] = [];
try {
  const token = await login(urls.a);
  console.log(`bench:takeover: ${trials} trials, health_report ${env.report} ms, health_check ${env.check} ms, allowed_absence ${env.absence} ms`);
  for (let i = 0; i < trials; i++) {
    const primary = (await role(urls.a, token)) === 'primary' ? 'a' : 'b';
    const other = primary === 'a' ? 'b' : 'a';
    await sleep(200 + Math.random() * 1000); // stop at a random point of the heartbeat cycle
    const started = performance.now();
    await fetch(`${urls[other]}/_local/nodes/${primary}/stop`, { method: 'POST' });
    while ((await role(urls[other], token)) !== 'primary') {
      if (performance.now() - started > 30_000) throw new Error('no takeover within 30 s');
      await sleep(20);
    }
    const took = performance.now() - started;
    times.push(took);
    await fetch(`${urls[other]}/_local/nodes/${primary}/start`, { method: 'POST' });
    const back = await role(urls[primary], token);
    console.log(`trial ${String(i + 1).padStart(2)}/${trials}: node ${primary} stopped, node ${other} primary after ${Math.round(took)} ms; ${primary} returned as ${back}`);
  }
} finally {
  await stack.close();
}
const s = [...times].sort((x, y) => x - y);
const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
console.log(`\ntakeover (Primary stopped → other node primary)  min ${Math.round(s[0]!)} ms   p50 ${Math.round(at(0.5))} ms   p95 ${Math.round(at(0.95))} ms`);
console.log(`goal: p95 ≤ ${goal} ms (allowed_absence + health_check): ${at(0.95) <= goal ? 'met' : 'MISSED'}`);
process.exit(0);
