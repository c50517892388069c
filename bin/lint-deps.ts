/**
 * `npm run lint:deps` (part of `npm test`): the import rules of .dependency-cruiser.cjs, plus one
 * rule dependency-cruiser cannot say: no cycle between the folders of functions/ (type imports
 * included). Every failure names the imports that break the rule. CONTRIBUTING.md, "Layers".
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ICruiseResult } from 'dependency-cruiser';
import { cli } from './cli-options.js';
import { LINT_DEPS } from './commands.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `functions/<folder>`, the unit the folder-cycle rule is about (files directly in functions/ are their own). */
export function folderOf(file: string): string | undefined {
  const m = /^functions\/([^/]+)\//.exec(file);
  return m ? `functions/${m[1]}` : undefined;
}

/** Cycles in the folder graph, each as the folders in order and one import per edge that makes it. */
export function folderCycles(modules: ICruiseResult['modules']): { folders: string[]; imports: string[] }[] {
  const edges = new Map<string, Map<string, string>>();
  for (const m of modules) {
    const from = folderOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (!to || to === from) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${m.source} → ${d.resolved}`);
      edges.set(from, out);
    }
  }
  // Tarjan's strongly connected components; each component of more than one folder holds a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return components.map((folders) => ({
    folders,
    imports: folders.flatMap((f) => [...(edges.get(f) ?? new Map<string, string>())].filter(([to]) => folders.includes(to)).map(([, via]) => via)),
  }));
}

/** Runs both checks from `baseDir`; answers the failures as lines (empty: all rules hold). */
export async function lintDeps(baseDir = root, tops = ['functions', 'lib', 'bin', 'bench', 'local', 'test']): Promise<string[]> {
  const rules = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };
  const { tsConfig: _own, ...options } = rules.options;
  const { cruise } = await import('dependency-cruiser'); // loaded here: --help answers without it
  const result = await cruise(tops, { ...options, baseDir, validate: true, ruleSet: { forbidden: rules.forbidden }, tsConfig: { fileName: path.join(baseDir, 'tsconfig.json') } } as never);
  const out = result.output as ICruiseResult;
  const failures = out.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  for (const c of folderCycles(out.modules)) failures.push(`no-cycle-between-folders: ${c.folders.join(' ⇄ ')}, through ${c.imports.join('; ')}`);
  return failures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(LINT_DEPS);
  const failures = await lintDeps();
  for (const f of failures) console.error(`  error ${f}`);
  console.log(failures.length ? `lint:deps: ${failures.length} broken rule(s)` : 'lint:deps: every import rule holds (no folder cycle in functions/)');
  process.exit(failures.length ? 1 : 0);
}
