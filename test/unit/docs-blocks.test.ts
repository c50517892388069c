import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellBlocks } from '../../local/readme-blocks.js';

/** The docs/*.md pages' shell blocks, which `npm run readme:check` runs as it runs README's. */
const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'docs');
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => ({ file: f, text: readFileSync(path.join(dir, f), 'utf8') }));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (text: string) => new Set([...text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));

describe('docs pages as readme:check runs them', () => {
  it('the pages README links to are there, and each subject page has blocks that run', () => {
    const files = pages.map((p) => p.file);
    for (const f of [
      'api.md',
      'availability-group.md',
      'benchmarks.md',
      'configuration.md',
      'deploying.md',
      'events.md',
      'failover.md',
      'maintenance.md',
      'operating.md',
      'security.md',
      'workflows.md',
      'external-dns.md',
      'script-clients.md',
    ])
      expect(files).toContain(f);
    for (const p of pages.filter((x) => ['external-dns.md', 'script-clients.md', 'failover.md', 'maintenance.md', 'workflows.md', 'availability-group.md', 'events.md'].includes(x.file)))
      expect(shellBlocks(p.text).filter((b) => !b.skip).length, p.file).toBeGreaterThan(0);
  });

  it.each(pages.map((p) => [p.file, p.text]))('%s: every curl block sets BASE from PORT, names no fixed port, and shows what it prints', (_, text) => {
    for (const b of shellBlocks(text).filter((x) => !x.skip && /\bcurl\b/.test(x.code))) {
      if (!b.continues) expect(b.code, b.heading).toMatch(/^BASE(?:_B)?=http:\/\/127\.0\.0\.1:(?:\$\{PORT:-3000\}|\$\(\( \$\{PORT:-3000\} \+ 1 \)\))/m);
      expect(b.code, b.heading).not.toMatch(/127\.0\.0\.1:300[01]\b/);
      expect(b.expected.length, b.heading).toBeGreaterThan(0);
    }
  });

  it.each(pages.map((p) => [p.file, p.text]))('%s: only AWS blocks, npm start itself and browser-driven ones are marked no-check', (_, text) => {
    for (const b of shellBlocks(text).filter((x) => x.skip)) expect(b.code, b.heading).toMatch(/\bcdk\b|\baws \b|npm start|npm run test:browser|bench:ui-polling/);
  });

  it.each([['README.md', readFileSync(path.join(root, 'README.md'), 'utf8')], ...pages.map((p) => [`docs/${p.file}`, p.text])])(
    '%s cites nothing outside the repository, and its relative links and anchors resolve',
    (file, text) => {
      expect(text).not.toMatch(/SPEC §|\bSPEC\b|reference\/0\d\d|\bissue \d+|(?<![\w#])#\d+\b/i);
      const from = path.dirname(path.join(root, file));
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^[a-z]+:/i.test(link)) continue;
        const [target, hash] = link.split('#') as [string, string | undefined];
        const resolved = target ? path.resolve(from, target) : path.join(root, file);
        expect(existsSync(resolved), `${file}: ${link}`).toBe(true);
        if (hash && resolved.endsWith('.md')) expect(anchorsOf(readFileSync(resolved, 'utf8')), `${file}: ${link}`).toContain(hash);
      }
    },
  );
});
