import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MANIFEST_FILE, RUNNER_DIR, SCHEMAS_FILE, renderManifest, renderRunnerEntry, workflowModules } from '../../bin/gen-workflows.js';
import { defineWorkflow } from '../../functions/workflows/define.js';
import { matchPath } from '../../functions/kernel/path-match.js';
import { checkManifest, joinManifest } from '../../functions/workflows/manifest-schema.js';
import { workflowSchemas } from '../../functions/workflows/manifest-schemas.js';
import { workflowManifest } from '../../functions/workflows/manifest.js';

describe('workflow discovery', () => {
  it('lists exactly the modules that default-export defineWorkflow(...)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-'));
    writeFileSync(path.join(dir, 'b_flow.ts'), "export default defineWorkflow({ name: 'b_flow' })");
    writeFileSync(path.join(dir, 'a_flow.ts'), "export default   defineWorkflow ({ name: 'a_flow' })");
    writeFileSync(path.join(dir, 'helpers.ts'), 'export const x = 1;');
    expect(workflowModules(dir)).toEqual(['a_flow.ts', 'b_flow.ts']);
  });

  it('the manifest and runner entries in the repository describe every workflow module (npm start/test regenerate them)', () => {
    expect(workflowManifest.workflows.map((w) => w.module)).toEqual(workflowModules());
    const files = renderManifest(joinManifest(workflowManifest, workflowSchemas));
    expect(readFileSync(MANIFEST_FILE, 'utf8')).toBe(files.routing);
    expect(readFileSync(SCHEMAS_FILE, 'utf8')).toBe(files.schemas);
    for (const w of workflowManifest.workflows) expect(readFileSync(path.join(RUNNER_DIR, `${w.name}.ts`), 'utf8')).toBe(renderRunnerEntry(w.name));
  });

  it('refuses bad definitions', () => {
    const ok = { name: 'x', defaultMessage: 'm', routes: [] };
    expect(() => defineWorkflow({ ...ok, name: 'Bad-Name' })).toThrow(/lower-case/);
    expect(() => defineWorkflow({ ...ok, name: 'airlock' })).toThrow(/serves itself/);
    expect(() => defineWorkflow({ ...ok, defaultMessage: '' })).toThrow(/defaultMessage/);
    const r = { method: 'GET' as const, path: '/a', handler: async () => 1 };
    expect(() => defineWorkflow({ ...ok, routes: [r, r] })).toThrow(/twice/);
    expect(() => defineWorkflow({ ...ok, routes: [{ ...r, path: 'a' }] })).toThrow(/start with \//);
    expect(() => defineWorkflow({ ...ok, routes: [{ ...r, path: '/{a+}/{b+}' }] })).toThrow(/at most one/);
  });

  it('refuses a bad manifest: duplicate names, a module not named after its workflow, an unknown field', () => {
    const entry = { name: 'x', module: 'x.ts', sourceHash: '0'.repeat(64), defaultMessage: 'm', routes: [] };
    expect(() => checkManifest({ workflows: [entry, entry] })).toThrow(/two workflows are named "x"/);
    expect(() => checkManifest({ workflows: [{ ...entry, module: 'y.ts' }] })).toThrow(/must live in x.ts/);
    expect(() => checkManifest({ workflows: [{ ...entry, evil: () => 1 }] })).toThrow(/invalid workflow manifest/);
    expect(() => checkManifest({ workflows: [{ ...entry, routes: [{ method: 'GET', path: '/a', permission: 'x y', responseStatus: 200, hasBody: false }] }] })).toThrow(/permission/);
  });

  it('matches {param} path segments', () => {
    expect(matchPath('/configurations/{name}', '/configurations/Lab%20A')).toEqual({ name: 'Lab A' });
    expect(matchPath('/configurations/{name}', '/configurations')).toBeNull();
    expect(matchPath('/a/b', '/a/c')).toBeNull();
  });

  it('a runner entry imports its own module and nothing of another', () => {
    expect(renderRunnerEntry('zone_report')).toContain("import workflow from '../../workflows/modules/zone_report.js';");
  });
});
