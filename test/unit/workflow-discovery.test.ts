import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WORKFLOW_DIR, renderIndex, workflowModules } from '../../bin/gen-workflows.js';
import { checkWorkflows, defineWorkflow, matchPath } from '../../functions/workflows/define.js';

describe('workflow discovery', () => {
  it('lists exactly the modules that default-export defineWorkflow(...)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-'));
    writeFileSync(path.join(dir, 'b_flow.ts'), "export default defineWorkflow({ name: 'b_flow' })");
    writeFileSync(path.join(dir, 'a_flow.ts'), "export default   defineWorkflow ({ name: 'a_flow' })");
    writeFileSync(path.join(dir, 'helpers.ts'), 'export const x = 1;');
    writeFileSync(path.join(dir, 'index.ts'), "export default defineWorkflow({ name: 'not me' })");
    expect(workflowModules(dir)).toEqual(['a_flow.ts', 'b_flow.ts']);
    expect(renderIndex(['a_flow.ts'])).toContain("import w0 from './a_flow.js';");
  });

  it('the index in the repository lists every workflow module (npm start/test/synth regenerate it)', () => {
    expect(readFileSync(path.join(WORKFLOW_DIR, 'index.ts'), 'utf8')).toBe(renderIndex(workflowModules()));
  });

  it('refuses bad definitions', () => {
    const ok = { name: 'x', defaultMessage: 'm', routes: [] };
    expect(() => defineWorkflow({ ...ok, name: 'Bad-Name' })).toThrow(/lower-case/);
    expect(() => defineWorkflow({ ...ok, defaultMessage: '' })).toThrow(/defaultMessage/);
    const r = { method: 'GET' as const, path: '/a', handler: async () => 1 };
    expect(() => defineWorkflow({ ...ok, routes: [r, r] })).toThrow(/twice/);
    expect(() => defineWorkflow({ ...ok, routes: [{ ...r, path: 'a' }] })).toThrow(/start with \//);
    expect(() => checkWorkflows([defineWorkflow(ok), defineWorkflow(ok)])).toThrow(/two workflows are named "x"/);
  });

  it('matches {param} path segments', () => {
    expect(matchPath('/configurations/{name}', '/configurations/Lab%20A')).toEqual({ name: 'Lab A' });
    expect(matchPath('/configurations/{name}', '/configurations')).toBeNull();
    expect(matchPath('/a/b', '/a/c')).toBeNull();
  });
});
