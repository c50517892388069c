import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowExample } from '../../local/readme-blocks.js';

/**
 * A newcomer follows docs/workflows.md: saves its example module where the page says, and runs
 * `npm test`. Its structural checks must still pass: the generator that writes the manifest and the
 * runner entry, the layer rules (`npm run lint:deps`), and the tests that list every route,
 * permission and workflow. All of it runs in a copy of the repository in a temporary
 * folder, so the suite running beside this file never sees the extra workflow.
 */
const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
/**
 * The tests that enumerate the workflows: routes, OpenAPI, the UI's lists. (The snippet's type
 * check is test/integration/readme-workflow.test.ts; the bundles' ceiling, far above one more
 * route in the manifest, is test/infra/stack.test.ts: neither is run again here, each costs a
 * minute on this machine.)
 */
const STRUCTURAL_TESTS = [
  'test/unit/workflow-discovery.test.ts',
  'test/unit/openapi.test.ts',
  'test/unit/routes.test.ts',
  'test/unit/injection.test.ts',
  'test/integration/ui-api.test.ts',
  'test/integration/openapi-served.test.ts',
];
/** The test that lists every permission (test/support/workflow-suite.ts, run by workflows-v1 and -v2). */
const PERMISSION_LIST_TEST = ['test/integration/workflows-v2.test.ts', '-t', 'lists every permission there is'];
const SKIPPED = new Set(['node_modules', '.git', 'coverage', 'cdk.out', '.bench']);

let copy: string;
let example: { file: string; code: string };
let generated: string;

/** The environment of a child run: this run's own vitest and coverage variables left out. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|NODE_V8_COVERAGE|TEST$)/.test(k)));
  return { ...env, VITEST_MAX_WORKERS: '2', IBM_TELEMETRY_DISABLED: 'true' };
}

function inCopy(command: string, args: string[]) {
  return run(command, args, { cwd: copy, env: childEnv(), maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(async () => {
  example = workflowExample(readFileSync(path.join(root, 'docs', 'workflows.md'), 'utf8'))!;
  copy = mkdtempSync(path.join(tmpdir(), 'docs-workflow-'));
  cpSync(root, copy, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(root, src).split(path.sep);
      return !SKIPPED.has(rel[0]!) && !(rel[0] === 'test' && rel[1]?.startsWith('.scratch'));
    },
  });
  symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  // What the page says to do: save the module there; npm test's first step regenerates the index.
  writeFileSync(path.join(copy, example.file), example.code);
  generated = (await inCopy(process.execPath, ['--import', 'tsx', 'bin/gen-workflows.ts'])).stdout;
}, 300_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe("adding docs/workflows.md's example workflow the way the page says", () => {
  it('is where the page says, and the generator lists it, with its manifest entry and its runner entry', () => {
    expect(example.file).toBe('functions/workflows/modules/zone_report.ts');
    expect(generated).toMatch(/workflows: .*\bzone_report\b/);
    expect(readFileSync(path.join(copy, 'functions/workflows/manifest.ts'), 'utf8')).toMatch(/["']zone_report["']/);
    expect(existsSync(path.join(copy, 'functions/lambdas/runners/zone_report.ts'))).toBe(true);
  });

  it('keeps the layer rules passing (npm run lint:deps)', async () => {
    await expect(inCopy('npm', ['run', '-s', 'lint:deps'])).resolves.toBeDefined();
  }, 300_000);

  it("keeps the suite's structural tests passing: routes, OpenAPI, the UI's lists", async () => {
    const vitest = await inCopy(process.execPath, [path.join(copy, 'node_modules/vitest/vitest.mjs'), 'run', ...STRUCTURAL_TESTS]).catch((e: { stdout: string; stderr: string }) => ({
      ...e,
      failed: true,
    }));
    const out = `${vitest.stdout}\n${vitest.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect('failed' in vitest ? out : 'passed').toBe('passed');
    expect(out).toMatch(new RegExp(`Test Files\\s+${STRUCTURAL_TESTS.length} passed`));
  }, 600_000);

  it('keeps the list of every permission right: GET /admin/permissions names the new workflow too', async () => {
    const vitest = await inCopy(process.execPath, [path.join(copy, 'node_modules/vitest/vitest.mjs'), 'run', ...PERMISSION_LIST_TEST]).catch((e: { stdout: string; stderr: string }) => ({
      ...e,
      failed: true,
    }));
    const out = `${vitest.stdout}\n${vitest.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect('failed' in vitest ? out : 'passed').toBe('passed');
  }, 600_000);
});
