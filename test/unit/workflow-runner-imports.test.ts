import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The runner's own code never hands workflow code the session service, the configuration (with
 * its secrets) or a store: nothing it imports at run time reaches them. (Workflow code could still
 * import them itself; in AWS it would find no table access, secret or key in the runner's role.)
 */
const root = path.resolve(import.meta.dirname, '../..');

function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(path.join(root, file), 'utf8');
  for (const m of src.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'/gm)) {
    runtimeImports(path.normalize(path.join(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts'), seen);
  }
  return seen;
}

describe('the workflow runner handler', () => {
  it('imports no session service, configuration, secrets, store or deps', () => {
    const files = [...runtimeImports('functions/handlers/workflow-runner.ts')];
    expect(files).toContain(path.normalize('functions/workflows/index.ts'));
    const forbidden = files.filter((f) => /(sessions|adapters|middleware|group|monitor)\/|commons\/(config|deps|held-secrets|audit)\.ts$/.test(f));
    expect(forbidden).toEqual([]);
  });
});
