import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellBlocks } from '../../local/readme-blocks.js';

/** The docs/*.md pages' shell blocks, which `npm run readme:check` runs as it runs README's. */
const dir = path.resolve(import.meta.dirname, '../../docs');
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => ({ file: f, text: readFileSync(path.join(dir, f), 'utf8') }));

describe('docs pages as readme:check runs them', () => {
  it('the external-dns and script-clients pages are there, and each has blocks that run', () => {
    expect(pages.map((p) => p.file)).toEqual(expect.arrayContaining(['external-dns.md', 'script-clients.md']));
    for (const p of pages.filter((x) => ['external-dns.md', 'script-clients.md'].includes(x.file))) expect(shellBlocks(p.text).filter((b) => !b.skip).length, p.file).toBeGreaterThan(0);
  });

  it.each(pages.map((p) => [p.file, p.text]))('%s: every curl block sets BASE from PORT, names no fixed port, and shows what it prints', (_, text) => {
    for (const b of shellBlocks(text).filter((x) => !x.skip && /\bcurl\b/.test(x.code))) {
      if (!b.continues) expect(b.code, b.heading).toMatch(/^BASE=http:\/\/127\.0\.0\.1:\$\{PORT:-3000\}/m);
      expect(b.code, b.heading).not.toMatch(/127\.0\.0\.1:300[01]\b/);
      expect(b.expected.length, b.heading).toBeGreaterThan(0);
    }
  });
});
