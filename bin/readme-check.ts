/**
 * `npm run readme:check`: the sh blocks of README.md and of every docs/*.md page, run as a
 * newcomer would run them, so the docs cannot drift from the code. For each block (but those marked ```sh no-check): a fresh gateway on free
 * ports (PORT and PORT+1, never 3000), started with bin/local.ts as `npm start` does after its
 * generators (this script regenerates the workflow index itself; no block needs the UI build),
 * unless the prose says to continue in the same terminal; then bash -euo pipefail with PORT set;
 * a block passes when it exits 0 and prints every
 * `"key":value` its comments show. The "Writing a workflow" example (docs/workflows.md) is saved
 * where that page says (and removed afterwards), as the page tells the reader to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellBlocks, workflowExample, type ShellBlock } from '../local/readme-blocks.js';
import { REUSABLE_PORTS } from '../local/reusable-port.js';
import { cli } from './cli-options.js';
import { README_CHECK } from './commands.js';

const options = cli(README_CHECK);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
/** README.md first, then each docs/*.md page: every page's blocks, numbered within the page. */
const docsDir = path.join(root, 'docs');
const pages = [
  { file: 'README.md', text: readme },
  ...(existsSync(docsDir)
    ? readdirSync(docsDir)
        .filter((f) => f.endsWith('.md'))
        .sort()
    : []
  ).map((f) => ({ file: `docs/${f}`, text: readFileSync(path.join(docsDir, f), 'utf8') })),
];
type PageBlock = ShellBlock & { page: string; key: string };
const all: PageBlock[] = pages.flatMap((p) => shellBlocks(p.text).map((b) => ({ ...b, page: p.file, key: `${p.file}#${b.index}` })));
const only = options.only as string | undefined;
const selected = all.filter((b) => !only || b.heading.includes(only) || b.page.includes(only));

if (options.list) {
  for (const b of all) console.log(`${b.page.padEnd(24)} ${String(b.index).padStart(2)} ${b.skip ? 'skip' : b.continues ? 'cont' : 'run '} ${b.heading}`);
  process.exit(0);
}

/**
 * Two free loopback ports in a row (node a, node b), from below Linux's ephemeral range: a port
 * picked with port 0 is one the stack's own port-0 servers and outgoing connections may take while
 * `npm start` loads (CI saw node a's port taken that way). The simulated BAM servers pick from the
 * same range, so one may still take it: startGateway then tries other ports.
 */
async function freePortPair(): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 50; i++) {
    const p = REUSABLE_PORTS.from + Math.floor(Math.random() * (REUSABLE_PORTS.to - REUSABLE_PORTS.from));
    if ((await tryListen(p)) && (await tryListen(p + 1))) return p;
  }
  throw new Error('no two free ports in a row');
}

interface Gateway {
  port: number;
  child: ChildProcess;
  log: string[];
}

/** `npm start` as README says, on its own ports; a port taken meanwhile by another process means other ports. */
async function startGateway(): Promise<Gateway> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGatewayOn(await freePortPair());
    } catch (err) {
      if (attempt >= 3 || !/already in use/.test(String(err))) throw err;
      console.log(`     (a port was taken before npm start could bind it: trying other ports)`);
    }
  }
}

/** `npm start` on PORT=port; resolves once it prints its ready line. */
async function startGatewayOn(port: number): Promise<Gateway> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never left running behind the failure
      reject(new Error(`npm start did not print "ready" within 90 s:\n${log.join('')}`));
    }, 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      log.push(d.toString());
      if (/\bready\b/.test(d.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${log.join('')}`));
    });
  });
  return { port, child, log };
}

async function stopGateway(g: Gateway | undefined): Promise<void> {
  if (!g || g.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => g.child.once('exit', () => r()));
  g.child.kill('SIGTERM');
  const force = setTimeout(() => g.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

/** Runs blocks in one bash, in order; answers each block's output (and the failing one's exit). */
function runShell(blocks: ShellBlock[], port: number): Promise<{ outputs: string[]; failedAt?: number; code: number }> {
  const marker = (i: number) => `::readme-check block ${i}::`;
  // Each block's commands print without a final newline: a newline before each marker keeps them apart.
  const script = ['set -euo pipefail', ...blocks.flatMap((b, i) => [`printf '\\n%s\\n' '${marker(i)}'`, b.code])].join('\n');
  return new Promise((resolve) => {
    const bash = spawn('bash', ['-c', script], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bash.stdout.on('data', (d: Buffer) => (out += d.toString()));
    bash.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => bash.kill('SIGKILL'), 300_000);
    bash.once('close', (code) => {
      clearTimeout(timer);
      const parts = out.split(/\n::readme-check block (\d+)::\n/);
      const outputs: string[] = blocks.map(() => '');
      let lastSeen = -1;
      for (let i = 1; i < parts.length; i += 2) {
        lastSeen = Number(parts[i]);
        outputs[lastSeen] = parts[i + 1] ?? '';
      }
      resolve({ outputs, code: code ?? 1, ...(code ? { failedAt: lastSeen } : {}) });
    });
  });
}

/** Groups blocks into terminals: a block that continues joins the one before, on the same page. */
function terminals(blocks: PageBlock[]): PageBlock[][] {
  const groups: PageBlock[][] = [];
  for (const b of blocks.filter((x) => !x.skip)) {
    const last = groups[groups.length - 1];
    if (b.continues && last && last[0]!.page === b.page) last.push(b);
    else groups.push([b]);
  }
  return groups;
}

// The workflow example goes where its page (docs/workflows.md) says to save it, for the blocks that call it.
const example = pages.map((p) => workflowExample(p.text)).find((e) => e !== undefined);
const examplePath = example ? path.join(root, example.file) : undefined;
const previous = examplePath && existsSync(examplePath) ? readFileSync(examplePath, 'utf8') : undefined;
const restore = () => {
  if (!examplePath) return;
  if (previous === undefined) rmSync(examplePath, { force: true });
  else writeFileSync(examplePath, previous);
  return import('./gen-workflows.js').then((m) => m.generateWorkflows()); // loaded when used: --help answers without esbuild
};
let gateway: Gateway | undefined;
process.once('SIGINT', () => {
  gateway?.child.kill('SIGKILL');
  void Promise.resolve(restore()).finally(() => process.exit(130));
});

let failures = 0;
let ran = 0;
try {
  if (example && examplePath) {
    writeFileSync(examplePath, example.code);
    await (await import('./gen-workflows.js')).generateWorkflows();
  }
  const wanted = new Set(selected.map((b) => b.key));
  for (const group of terminals(all)) {
    if (!group.some((b) => wanted.has(b.key))) continue;
    const started = Date.now();
    gateway = await startGateway();
    const { outputs, failedAt, code } = await runShell(group, gateway.port);
    for (const [i, b] of group.entries()) {
      const output = outputs[i] ?? '';
      const missing = b.expected.filter((f) => !output.includes(f));
      const failed = failedAt === i || (failedAt !== undefined && i > failedAt) || missing.length > 0;
      const why = failedAt === i ? `exited ${code}` : failedAt !== undefined && i > failedAt ? 'not run' : missing.length ? `did not print ${missing.join(', ')}` : '';
      console.log(`${failed ? 'FAIL' : 'ok  '} ${b.page === 'README.md' ? '' : `${b.page} `}block ${b.index} (${b.heading})${why ? `: ${why}` : ''}`);
      ran++;
      if (failed) failures++;
      if ((failed && why !== 'not run') || options.verbose) console.log(output.replace(/^/gm, '     | '));
    }
    const port = gateway.port;
    await stopGateway(gateway);
    gateway = undefined;
    console.log(`     (${((Date.now() - started) / 1000).toFixed(1)} s, npm start on PORT=${port})`);
  }
} finally {
  await stopGateway(gateway);
  await restore();
}
console.log(`${failures ? 'FAILED' : 'passed'}: ${ran - failures}/${ran} README and docs blocks run (${selected.filter((b) => b.skip).length} marked no-check)`);
process.exit(failures ? 1 : 0);
