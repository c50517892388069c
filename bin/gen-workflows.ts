/**
 * `npm run gen:workflows` (run before `npm start`, `npm test` and the benchmarks): reads every
 * workflow module of functions/workflows/modules/ and writes
 * - functions/workflows/manifest.ts: the routes, permissions and JSON Schemas the trusted side
 *   reads instead of importing the modules;
 * - functions/lambdas/runners/<name>.ts: the Lambda entry of each module's own runner.
 * Each module is evaluated in a process of its own (bundled by esbuild, run by Node with an empty
 * environment and its permission model: it may read its own bundle and nothing else, start no
 * process or thread). The CDK app never evaluates a module: it checks the manifest is fresh
 * (`assertManifestFresh`) and bundles each runner.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkManifest, splitManifest, type WorkflowManifest, type WorkflowRouting } from '../functions/workflows/manifest-schema.js';
import { writeIfChanged } from './generated-file.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOW_DIR = path.join(root, 'functions', 'workflows', 'modules');
export const MANIFEST_FILE = path.join(root, 'functions', 'workflows', 'manifest.ts');
export const SCHEMAS_FILE = path.join(root, 'functions', 'workflows', 'manifest-schemas.ts');
export const RUNNER_DIR = path.join(root, 'functions', 'lambdas', 'runners');

/** The modules of the folder that default-export `defineWorkflow(...)`, by file name. */
export function workflowModules(dir = WORKFLOW_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .filter((f) => /export\s+default\s+defineWorkflow\s*\(/.test(readFileSync(path.join(dir, f), 'utf8')))
    .sort();
}

/** Some bundled CommonJS dependencies call require(); ESM output needs it defined (as in lib/gateway-function.ts). */
const BANNER = "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);";

/**
 * sha256 over the module and every file its bundle reads (paths and contents), found by esbuild
 * without running anything: an edit to a schema the module imports makes the manifest stale too.
 */
export async function sourceHash(file: string): Promise<string> {
  const { build } = await import('esbuild'); // loaded when used: --help answers without it
  const res = await build({ entryPoints: [file], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', logLevel: 'silent', absWorkingDir: root });
  const h = createHash('sha256');
  for (const input of Object.keys(res.metafile.inputs).sort()) {
    h.update(`${input}\0`);
    h.update(
      createHash('sha256')
        .update(readFileSync(path.join(root, input)))
        .digest('hex'),
    );
  }
  return h.digest('hex');
}

const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

/** Evaluates one module in its sandboxed process and answers its manifest entry (unchecked: the caller checks). */
async function extractEntry(file: string): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-extract-'));
  try {
    const outfile = path.join(dir, 'extract.mjs');
    const { build } = await import('esbuild');
    const contents = `import wf from ${JSON.stringify(file)};\nimport { printEntry } from ${JSON.stringify(path.join(root, 'bin', 'workflow-extract.ts'))};\nprintEntry(wf);\n`;
    await build({
      stdin: { contents, resolveDir: root, loader: 'ts' },
      bundle: true,
      outfile,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: BANNER },
      logLevel: 'silent',
    });
    const run = spawnSync(process.execPath, [PERMISSION_FLAG, `--allow-fs-read=${outfile}`, '--no-warnings', outfile], {
      cwd: dir,
      env: {},
      timeout: 20_000,
      maxBuffer: 8 * 1024 * 1024,
      encoding: 'utf8',
    });
    if (run.status !== 0 || run.error) {
      const why = (run.stderr || String(run.error ?? '')).trim().split('\n').slice(-6).join('\n');
      throw new Error(`workflow module ${path.basename(file)} failed while its manifest entry was read:\n${why}`);
    }
    return JSON.parse(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the manifest from the modules (each in its own sandboxed process), checked. */
export async function buildManifest(dir = WORKFLOW_DIR): Promise<WorkflowManifest> {
  const workflows = [];
  for (const module of workflowModules(dir)) {
    const file = path.join(dir, module);
    const [entry, hash] = await Promise.all([extractEntry(file), sourceHash(file)]);
    workflows.push({ ...(entry as object), module, sourceHash: hash });
  }
  return checkManifest({ workflows });
}

/** The two generated files: the routing part, and the JSON Schemas only the OpenAPI document reads. */
export function renderManifest(m: WorkflowManifest): { routing: string; schemas: string } {
  const { routing, schemas } = splitManifest(m);
  const head = '// Generated by bin/gen-workflows.ts from functions/workflows/modules/. Do not edit: run `npm run gen:workflows`.';
  return {
    routing: [
      head,
      "import type { WorkflowRouting } from './manifest-schema.js';",
      '',
      '/** What the trusted side knows of the workflow modules (see manifest-schema.ts): data only, no module is imported. */',
      `export const workflowManifest: WorkflowRouting = ${JSON.stringify(routing, null, 2)};`,
      '',
    ].join('\n'),
    schemas: [
      head,
      "import type { WorkflowSchemas } from './manifest-schema.js';",
      '',
      "/** The routes' JSON Schemas, by workflow and `METHOD path`: only the OpenAPI document reads them. */",
      `export const workflowSchemas: WorkflowSchemas = ${compactByRoute(schemas)};`,
      '',
    ].join('\n'),
  };
}

/** One line per route's schemas: a readable diff when a route changes, without hundreds of lines of generated JSON. */
function compactByRoute(schemas: Record<string, Record<string, unknown>>): string {
  const workflows = Object.entries(schemas).map(([name, routes]) => {
    const lines = Object.entries(routes).map(([route, s]) => `    ${JSON.stringify(route)}: ${JSON.stringify(s)},`);
    return `  ${JSON.stringify(name)}: {\n${lines.join('\n')}\n  },`;
  });
  return `{\n${workflows.join('\n')}\n}`;
}

export function renderRunnerEntry(name: string): string {
  return [
    `// Generated by bin/gen-workflows.ts: the Lambda entry of workflow ${name}'s own runner, the only bundle that holds its module. Do not edit.`,
    `import workflow from '../../workflows/modules/${name}.js';`,
    "import { runnerHandler } from '../../workflows/runner/runner-handler.js';",
    '',
    'export const handler = runnerHandler(workflow);',
    '',
  ].join('\n');
}

/** Writes the manifest and the runner entries (removing those of deleted modules); answers whether anything changed. */
export async function generateWorkflows(dir = WORKFLOW_DIR): Promise<{ manifest: WorkflowManifest; changed: boolean }> {
  const manifest = await buildManifest(dir);
  const files = renderManifest(manifest);
  let changed = writeIfChanged(MANIFEST_FILE, files.routing);
  changed = writeIfChanged(SCHEMAS_FILE, files.schemas) || changed;
  mkdirSync(RUNNER_DIR, { recursive: true });
  const names = new Set(manifest.workflows.map((w) => w.name));
  for (const f of readdirSync(RUNNER_DIR)) {
    if (f.endsWith('.ts') && !names.has(f.slice(0, -3))) {
      unlinkSync(path.join(RUNNER_DIR, f));
      changed = true;
    }
  }
  for (const n of names) changed = writeIfChanged(path.join(RUNNER_DIR, `${n}.ts`), renderRunnerEntry(n)) || changed;
  // The index of every module that trusted code once imported (before the manifest): gone for good.
  const oldIndex = path.join(root, 'functions', 'workflows', 'index.ts');
  if (existsSync(oldIndex)) unlinkSync(oldIndex);
  return { manifest, changed };
}

/**
 * For the CDK app: the manifest it reads must describe the modules as they are now, without
 * evaluating them (esbuild only resolves their imports). Throws with what to run otherwise.
 */
export async function assertManifestFresh(manifest: WorkflowRouting, dir = WORKFLOW_DIR): Promise<void> {
  const stale = (why: string) => new Error(`The workflow manifest (functions/workflows/manifest.ts) is out of date: ${why}. Run \`npm run gen:workflows\`, review the diff, and synthesize again.`);
  const modules = workflowModules(dir);
  const listed = manifest.workflows.map((w) => w.module).sort();
  if (modules.join() !== listed.join()) throw stale(`the modules are ${modules.join(', ') || 'none'}, the manifest lists ${listed.join(', ') || 'none'}`);
  for (const w of manifest.workflows) {
    if ((await sourceHash(path.join(dir, w.module))) !== w.sourceHash) throw stale(`${w.module} (or a file it imports) changed`);
    if (!existsSync(path.join(RUNNER_DIR, `${w.name}.ts`))) throw stale(`the runner entry of ${w.name} is missing`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { cli } = await import('./cli-options.js');
  const { GEN_WORKFLOWS } = await import('./commands.js');
  cli(GEN_WORKFLOWS);
  const { manifest, changed } = await generateWorkflows();
  console.log(`workflows: ${manifest.workflows.map((w) => w.name).join(', ')}${changed ? ' (manifest updated)' : ''}`);
  // Subscribers are trusted code, discovered by the same step (see bin/gen-subscribers.ts).
  const { generateSubscriberIndex, subscriberModules } = await import('./gen-subscribers.js');
  const subsChanged = generateSubscriberIndex();
  console.log(`subscribers: ${subscriberModules().join(', ')}${subsChanged ? ' (index updated)' : ''}`);
}
