import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lintDeps } from '../../bin/lint-deps.js';

/**
 * The import rules of .dependency-cruiser.cjs (`npm run lint:deps`, part of `npm test`) fail, and
 * name the import, when code breaks them: shown on a small tree built here with the real rules.
 */

async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'layers-'));
  try {
    for (const [file, code] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), code);
    }
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    return await lintDeps(dir, [...new Set(Object.keys(files).map((f) => f.split('/')[0]!))]);
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

  it('deployed code importing the local runtime or the simulator fails', async () => {
    expect(
      await violations({
        'functions/wiring/tls.ts': "import { shareFailoverTls } from '../../local/bam-sim/tls.js';\nexport const s = shareFailoverTls;\n",
        'local/bam-sim/tls.ts': 'export const shareFailoverTls = 1;\n',
      }),
    ).toEqual(['deployed-code-never-imports-local-tooling: functions/wiring/tls.ts → local/bam-sim/tls.ts']);
  });

  it("a feature's domain importing anything but domain code and the kernel fails", async () => {
    expect(
      await violations({
        'functions/monitor/domain/rules.ts': "import { probe } from '../../bam/probe.js';\nimport type { E } from '../../events/domain/e.js';\nexport const n: E = probe;\n",
        'functions/bam/probe.ts': 'export const probe = 1;\n',
        'functions/events/domain/e.ts': 'export type E = number;\n',
      }),
    ).toEqual(['domain-imports-only-domain: functions/monitor/domain/rules.ts → functions/bam/probe.ts']);
  });

  it('a use case importing an adapter instead of its port fails; the wiring may', async () => {
    expect(
      await violations({
        'functions/sessions/login.ts': "import { DynamoStore } from '../adapters/store.js';\nexport const n = DynamoStore;\n",
        'functions/wiring/deps.ts': "import { DynamoStore } from '../adapters/store.js';\nexport const m = DynamoStore;\n",
        'functions/adapters/store.ts': 'export class DynamoStore {}\n',
      }),
    ).toEqual(['features-use-ports-not-adapters: functions/sessions/login.ts → functions/adapters/store.ts']);
  });

  it('the kernel importing a feature fails', async () => {
    expect(await violations({ 'functions/kernel/http.ts': "import { x } from '../sessions/x.js';\nexport const y = x;\n", 'functions/sessions/x.ts': 'export const x = 1;\n' })).toEqual([
      'kernel-imports-only-kernel: functions/kernel/http.ts → functions/sessions/x.ts',
    ]);
  });

  it('a cycle between folders fails, type imports included, naming an import of each edge', async () => {
    expect(
      await violations({
        'functions/monitor/state.ts': "import type { S } from '../sessions/session.js';\nexport type M = S;\n",
        'functions/sessions/session.ts': "import { m } from '../monitor/m.js';\nexport type S = string;\nexport const n = m;\n",
        'functions/monitor/m.ts': 'export const m = 1;\n',
      }),
    ).toEqual([
      'no-cycle-between-folders: functions/monitor ⇄ functions/sessions, through functions/monitor/state.ts → functions/sessions/session.ts; functions/sessions/session.ts → functions/monitor/m.ts',
    ]);
  });

  it('an adapter importing a use case instead of its port fails', async () => {
    expect(
      await violations({
        'functions/adapters/store.ts': "import { login } from '../sessions/login.js';\nexport const n = login;\n",
        'functions/sessions/login.ts': 'export const login = 1;\n',
      }),
    ).toEqual(['adapters-import-only-ports-and-domain: functions/adapters/store.ts → functions/sessions/login.ts']);
  });

  it('a workflow module importing another fails', async () => {
    expect(
      await violations({
        'functions/workflows/modules/a.ts': "import b from './b.js';\nexport default b;\n",
        'functions/workflows/modules/b.ts': 'export default 2;\n',
      }),
    ).toEqual(['workflow-modules-do-not-import-each-other: functions/workflows/modules/a.ts → functions/workflows/modules/b.ts']);
  });
});
