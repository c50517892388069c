/**
 * `npm test` after the quick checks (Biome, the layer rules): the type checks, the vitest suite with
 * coverage and the browser tests at once. Most of the suite waits on timers and sockets, not the
 * CPU, so on two cores the three together take little more than the suite alone. The suite's
 * progress is shown as it runs; the other two print their output when they end (all of it when
 * they fail). Exit 1 when any of them failed.
 */
import { spawn } from 'node:child_process';

interface Step {
  name: string;
  command: string[];
  /** Shown as it runs (one step only, so that lines do not interleave). */
  live?: boolean;
}

const steps: Step[] = [
  // Incremental: what an earlier run checked and nothing changed since is not checked again (state in node_modules/.cache).
  {
    name: 'type checks (tsc, tsc -p ui)',
    command: [
      'sh',
      '-c',
      'npx tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/tsc/main.tsbuildinfo && npx tsc --noEmit -p ui --incremental --tsBuildInfoFile node_modules/.cache/tsc/ui.tsbuildinfo',
    ],
  },
  { name: 'browser tests (npm run test:browser)', command: ['npx', 'tsx', 'bin/test-browser.ts'] },
  { name: 'vitest suite with coverage', command: ['npx', 'vitest', 'run', '--coverage'], live: true },
];

function run(step: Step): Promise<{ step: Step; code: number; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(step.command[0]!, step.command.slice(1), { stdio: step.live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stderr?.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code, signal) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const result = { step, code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString(), seconds };
      if (!step.live) report(result);
      resolve(result);
    });
  });
}

function report(r: { step: Step; code: number; output: string; seconds: number }): void {
  const tail = r.code === 0 ? summaryOf(r.output) : r.output;
  console.log(`\n── ${r.step.name}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds} s ──\n${tail}`);
}

/** A passing step's last lines (vitest's totals), not its every line. */
function summaryOf(output: string): string {
  const lines = output.trimEnd().split('\n');
  return lines.slice(-8).join('\n');
}

const results = await Promise.all(steps.map(run));
const failed = results.filter((r) => r.code !== 0);
for (const r of results) console.log(`${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.step.name} (${r.seconds} s)`);
process.exit(failed.length === 0 ? 0 : 1);
