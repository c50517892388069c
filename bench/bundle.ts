/**
 * `npm run bench:bundle`: bundles every Lambda exactly as the CDK stack does (lib/gateway-function.ts)
 * and prints its minified size and the time to import its handler in a fresh Node process, twice:
 * - cold: the bundle and the AWS SDK modules it imports, as a Lambda cold start loads them;
 * - own code: with the SDK modules already loaded, so only the gateway's own code is timed (in
 *   Lambda the SDK comes with the runtime, and is the larger share of a cold start).
 * Goals: ≤ 150 KB and ≤ 50 ms each. Median of 5 fresh processes per figure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../bin/cli-options.js';
import { BENCH_BUNDLE } from '../bin/commands.js';

cli(BENCH_BUNDLE);
// The heavy modules after the command line: --help and a bad option answer at once.
const { build } = await import('esbuild');
const { BUNDLING, FUNCTION_ENTRIES } = await import('../lib/gateway-function.js');
const { bundleSizes, ensureUiBuilt, JS_BUDGET_GZIP_KB, printSizes } = await import('../local/ui-build.js');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.bench', 'bundles'); // inside the project, so bundles resolve node_modules
mkdirSync(outDir, { recursive: true });
const SDK = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-eventbridge', '@aws-sdk/client-route-53'];

function importMs(file: string, preloadSdk: boolean): number {
  const script = `${preloadSdk ? `for (const m of ${JSON.stringify(SDK)}) await import(m);` : ''}
const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const runner = path.join(outDir, `run-${preloadSdk ? 'warm' : 'cold'}.mjs`);
  writeFileSync(runner, script);
  const runs = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(process.execPath, [runner], { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'eu-west-1' } })
        .toString()
        .trim(),
    ),
  );
  return runs.sort((a, b) => a - b)[2]!;
}

console.log('bench:bundle: each function bundled as deployed (minified ESM, node22, AWS SDK external)\n');
console.log(`${'function'.padEnd(34)}${'size'.padStart(10)}${'import, cold'.padStart(16)}${'own code'.padStart(12)}`);
let ok = true;
for (const entry of FUNCTION_ENTRIES) {
  const outfile = path.join(outDir, `${entry.replace('/', '-')}.mjs`);
  await build({
    entryPoints: [path.join(root, 'functions', `${entry}.ts`)],
    bundle: true,
    minify: BUNDLING.minify,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    external: BUNDLING.external,
    banner: { js: BUNDLING.banner },
    outfile,
    logLevel: 'silent',
  });
  const kb = statSync(outfile).size / 1024;
  const cold = importMs(outfile, false);
  const own = importMs(outfile, true);
  ok &&= kb <= 150 && own <= 50;
  console.log(`${entry.padEnd(34)}${`${kb.toFixed(1)} KB`.padStart(10)}${`${cold.toFixed(0)} ms`.padStart(16)}${`${own.toFixed(0)} ms`.padStart(12)}`);
}
console.log(`\ngoals ≤ 150 KB and ≤ 50 ms (own code): ${ok ? 'met' : 'MISSED'}; the cold figure is dominated by the AWS SDK clients`);

// The web UI, which browsers load whole: its JavaScript against its budget (a build over it fails).
console.log('\nweb UI (ui/dist, Vite production build)');
await ensureUiBuilt({ log: () => undefined });
const ui = await bundleSizes();
printSizes(ui);
console.log(`goal ≤ ${JS_BUDGET_GZIP_KB} KB gzip JS: ${ui.jsGzip <= JS_BUDGET_GZIP_KB * 1024 ? 'met' : 'MISSED'}`);
