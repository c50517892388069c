import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SimCluster } from '../../local/bam-sim/cluster.js';
import { BamV1Client } from '../../functions/bam/v1-client.js';
import { BamV2Client } from '../../functions/bam/v2-client.js';
import type { Workflow } from '../../functions/workflows/define.js';
import ts from 'typescript';
import { workflowExample } from '../../local/readme-blocks.js';

/**
 * The "Writing a workflow" example of docs/workflows.md, taken from the page itself and run against
 * the simulated BAM, so the docs cannot drift from the code. (It is compiled beside a copy of
 * define.ts in a scratch folder inside the repository, never among the real workflows.)
 */
const root = path.resolve(import.meta.dirname, '../..');
const scratch = path.join(root, 'test', '.scratch-readme');
let cluster: SimCluster;
let workflow: Workflow;

beforeAll(async () => {
  const code = workflowExample(readFileSync(path.join(root, 'docs', 'workflows.md'), 'utf8'))!.code;
  mkdirSync(path.join(scratch, 'workflows', 'modules'), { recursive: true });
  writeFileSync(path.join(scratch, 'workflows', 'modules', 'zone_report.ts'), code);
  // define.ts and what it imports at run time (type-only imports vanish when compiled).
  mkdirSync(path.join(scratch, 'kernel'), { recursive: true });
  for (const f of ['workflows/define.ts', 'kernel/errors.ts', 'kernel/path-match.ts']) writeFileSync(path.join(scratch, f), readFileSync(path.join(root, 'functions', f), 'utf8'));
  workflow = ((await import(path.join(scratch, 'workflows', 'modules', 'zone_report.ts'))) as { default: Workflow }).default;
  cluster = await new SimCluster().start();
});
afterAll(async () => {
  await cluster?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * tsc over the snippet exactly as its page says to save it (functions/workflows/modules/zone_report.ts),
 * with the project's compiler options, without writing it there: what `npm test` would report
 * once a reader has saved it.
 */
function typeErrorsOf(file: string, code: string): string[] {
  const configPath = path.join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  const target = path.join(root, file);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === target ? ts.createSourceFile(name, code, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === target || fileExists(name);
  const program = ts.createProgram([target], parsed.options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(target)).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the docs workflow example (docs/workflows.md)', () => {
  it('type-checks as written, where its page says to save it', () => {
    const example = workflowExample(readFileSync(path.join(root, 'docs', 'workflows.md'), 'utf8'))!;
    expect(typeErrorsOf(example.file, example.code)).toEqual([]);
  }, 60_000);

  it('the type check would catch what broke it before: input.params.name is string | undefined', () => {
    const broken = workflowExample(readFileSync(path.join(root, 'docs', 'workflows.md'), 'utf8'))!.code.replace('found: names.includes(name)', 'found: names.includes(input.params.name)');
    expect(typeErrorsOf('functions/workflows/modules/zone_report.ts', broken).join('\n')).toContain('TS2345');
  }, 60_000);

  it.each([1, 2])('defines a working workflow through BAM REST v%s', async (version) => {
    expect(workflow.name).toBe('zone_report');
    const route = workflow.routes[0]!;
    const client = version === 1 ? new BamV1Client(cluster.server('bam1').url, 2000) : new BamV2Client(cluster.server('bam1').url, 2000);
    await client.login('alice', 'alice-pass');
    const { validate } = await import('../../functions/kernel/validation.js');
    const parsed = validate(route.query!, { limit: '5' });
    if (!parsed.ok) throw new Error('query did not parse');
    const query = parsed.data;
    const out = await route.handler({
      user: { username: 'alice', bamApi: version === 1 ? { v1: client as BamV1Client } : { v2: client as BamV2Client } },
      platform: {
        failoverMonitoringManager: { primaryUrl: cluster.server('bam1').url, monitoringState: 'MONITORING' },
        availability: {
          getNodeState: async () => ({ node_id: null, node_role: 'not_in_group', primary_node: null, epoch: null, last_heartbeat_time: null, heartbeat_method: null, last_updated: null }),
        },
      },
      input: { query, body: undefined, params: { name: 'Lab' } },
      request: { method: 'GET', path: '/zone_report/configurations/Lab', headers: {} },
    });
    expect(out).toEqual({ requested: 'Lab', found: true, primary_url: cluster.server('bam1').url, monitoring_state: 'MONITORING' });
    // The answer is the one its response schema documents.
    expect(validate(route.response!, out).ok).toBe(true);
  });
});
