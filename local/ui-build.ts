import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const uiRoot = path.join(root, 'ui');
const dist = path.join(uiRoot, 'dist');
const STAMP = path.join(dist, '.source-hash');
/** The budget for the whole UI's JavaScript, gzip: a build over it fails (npm start, the browser tests, npm run build:ui). */
export const JS_BUDGET_GZIP_KB = 150;

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out.sort();
}

/** A digest of everything the build reads: the UI's sources and the locked dependency versions. */
async function sourceHash(): Promise<string> {
  const h = createHash('sha256').update('production build\0');
  for (const f of [path.join(uiRoot, 'index.html'), path.join(uiRoot, 'vite.config.ts'), path.join(root, 'package-lock.json'), ...(await files(path.join(uiRoot, 'src')))]) {
    h.update(path.relative(root, f))
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  }
  return h.digest('hex');
}

export interface BundleSizes {
  jsRaw: number;
  jsGzip: number;
  cssRaw: number;
  cssGzip: number;
  files: { name: string; raw: number; gzip: number }[];
}

export async function bundleSizes(): Promise<BundleSizes> {
  const sizes: BundleSizes = { jsRaw: 0, jsGzip: 0, cssRaw: 0, cssGzip: 0, files: [] };
  for (const f of await files(path.join(dist, 'assets'))) {
    const body = await readFile(f);
    const entry = { name: path.relative(dist, f), raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
    sizes.files.push(entry);
    if (f.endsWith('.js')) (sizes.jsRaw += entry.raw), (sizes.jsGzip += entry.gzip);
    if (f.endsWith('.css')) (sizes.cssRaw += entry.raw), (sizes.cssGzip += entry.gzip);
  }
  return sizes;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function printSizes(s: BundleSizes, log: (line: string) => void = console.log): void {
  for (const f of s.files) log(`  ${f.name.padEnd(40)} ${kb(f.raw).padStart(10)}  gzip ${kb(f.gzip).padStart(9)}`);
  log(`UI bundle: JS ${kb(s.jsRaw)} (gzip ${kb(s.jsGzip)}, goal ≤ ${JS_BUDGET_GZIP_KB} KB${s.jsGzip > JS_BUDGET_GZIP_KB * 1024 ? ': OVER' : ''}), CSS ${kb(s.cssRaw)} (gzip ${kb(s.cssGzip)})`);
}

/**
 * Builds the web UI with Vite into ui/dist unless the build there was made from the same sources
 * (a hash of them is kept beside it): `npm start` and the browser tests call this, so the build
 * runs once, not per test. Answers whether it built.
 */
export async function ensureUiBuilt(opts: { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const log = opts.log ?? console.log;
  const hash = await sourceHash();
  const current = await readFile(STAMP, 'utf8').catch(() => '');
  const indexExists = await stat(path.join(dist, 'index.html')).then(
    () => true,
    () => false,
  );
  if (!opts.force && current === hash && indexExists) return false;
  log('Building the web UI (ui/ → ui/dist/)...');
  const started = Date.now();
  const { build } = await import('vite');
  // A production build whatever runs this: under vitest NODE_ENV is "test", which would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(uiRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  const sizes = await bundleSizes();
  printSizes(sizes, log);
  if (sizes.jsGzip > JS_BUDGET_GZIP_KB * 1024) throw new Error(`the web UI's JavaScript is ${(sizes.jsGzip / 1024).toFixed(1)} KB gzip, over its ${JS_BUDGET_GZIP_KB} KB budget`);
  await writeFile(STAMP, hash); // only a build within budget counts as current
  return true;
}
