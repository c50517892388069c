import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';

/**
 * The import rules of .dependency-cruiser.cjs (`npm run lint:deps`, part of `npm test`) fail, and
 * name the import, when code breaks them: shown on a small tree built here with the real rules.
 */
const root = path.resolve(import.meta.dirname, '../..');
const rules = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'layers-'));
  try {
    for (const [file, code] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), code);
    }
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    const { tsConfig: _ignored, ...options } = rules.options;
    const tops = [...new Set(Object.keys(files).map((f) => f.split('/')[0]!))];
    const result = await cruise(tops, { ...options, baseDir: dir, validate: true, ruleSet: { forbidden: rules.forbidden }, tsConfig: { fileName: path.join(dir, 'tsconfig.json') } } as never);
    const out = typeof result.output === 'string' ? undefined : result.output;
    return (out?.summary.violations ?? []).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the layer rules', () => {
  it('a trusted handler importing a workflow module fails, naming the import', async () => {
    expect(
      await violations({
        'functions/handlers/bad.ts': "import wf from '../workflows/modules/evil.js';\nexport const n = wf;\n",
        'functions/workflows/modules/evil.ts': 'export default 1;\n',
      }),
    ).toEqual(['trusted-code-never-imports-workflow-modules: functions/handlers/bad.ts → functions/workflows/modules/evil.ts']);
  });

  it("a runner entry importing another workflow's module fails; its own passes", async () => {
    expect(
      await violations({
        'functions/lambdas/runners/a.ts': "import a from '../../workflows/modules/a.js';\nimport b from '../../workflows/modules/b.js';\nexport const n = [a, b];\n",
        'functions/workflows/modules/a.ts': 'export default 1;\n',
        'functions/workflows/modules/b.ts': 'export default 2;\n',
      }),
    ).toEqual(['a-runner-holds-only-its-own-module: functions/lambdas/runners/a.ts → functions/workflows/modules/b.ts']);
  });

  it('workflow code importing a store fails; a type-only import of its types passes', async () => {
    expect(
      await violations({
        'functions/workflows/modules/a.ts':
          "import { SessionStore } from '../../adapters/session-store.js';\nimport type { T } from '../../adapters/types.js';\nexport default [SessionStore] as T[];\n",
        'functions/adapters/session-store.ts': 'export class SessionStore {}\n',
        'functions/adapters/types.ts': 'export type T = unknown;\n',
      }),
    ).toEqual(['workflow-code-reaches-no-gateway-state: functions/workflows/modules/a.ts → functions/adapters/session-store.ts']);
  });

  it('code outside test/ importing test support fails', async () => {
    expect(await violations({ 'local/tool.ts': "import { x } from '../test/support/x.js';\nexport const y = x;\n", 'test/support/x.ts': 'export const x = 1;\n' })).toEqual([
      'nothing-outside-test-imports-test: local/tool.ts → test/support/x.ts',
    ]);
  });
});
