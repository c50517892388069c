import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFragments, shellBlocks, workflowExample } from '../../local/readme-blocks.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const workflowsPage = readFileSync(path.resolve(import.meta.dirname, '../../docs/workflows.md'), 'utf8');

describe("README's shell blocks as readme:check runs them", () => {
  it('every curl block sets BASE from PORT, and none names port 3000 or 3001 itself', () => {
    const curlBlocks = shellBlocks(readme).filter((b) => !b.skip && /\bcurl\b/.test(b.code));
    expect(curlBlocks.length).toBeGreaterThan(0);
    for (const b of curlBlocks) {
      if (!b.continues) expect(b.code, b.heading).toMatch(/^BASE(?:_B)?=http:\/\/127\.0\.0\.1:(?:\$\{PORT:-3000\}|\$\(\( \$\{PORT:-3000\} \+ 1 \)\))/m);
      expect(b.code, b.heading).not.toMatch(/127\.0\.0\.1:300[01]\b/);
    }
  });

  it('only AWS blocks, npm start itself and the browser tests are marked no-check', () => {
    const skipped = shellBlocks(readme).filter((b) => b.skip);
    for (const b of skipped) expect(b.code, b.heading).toMatch(/\bcdk\b|\baws \b|npm start|npm run test:browser/);
  });

  it('a block continues the one before only when its prose says so', () => {
    const blocks = shellBlocks('## A\n\n```sh\nX=1\n```\n\n## B\n\nContinuing in the same terminal:\n\n```sh\necho $X\n```\n\nthen:\n\n```sh no-check\nnpx cdk deploy\n```\n');
    expect(blocks.map((b) => [b.heading, b.continues, b.skip])).toEqual([
      ['A', false, false],
      ['B', true, false],
      ['B', false, true],
    ]);
  });

  it('the expected output is the exact "key":value fragments of the comments', () => {
    const code = [
      `curl -s "$BASE/x" -H 'a: "#notacomment":1'   # {"code":"EpochChanged","status":412,"ok":true,"message":"The group is at ..."}`,
      '# "split_brain":false, bam1 "reported_role":"Primary" (primary_url "http://127.0.0.1:<port>")',
      '# {"primary_url":"http://127.0.0.1:<bam1\'s port>","n":null}',
    ].join('\n');
    expect(expectedFragments(code)).toEqual(['"code":"EpochChanged"', '"status":412', '"ok":true', '"split_brain":false', '"reported_role":"Primary"', '"n":null']);
  });

  it('README stays a front page: at most 400 lines, citing nothing outside the repository', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
    expect(readme).not.toMatch(/SPEC §|reference\/0\d\d|\bissue \d+/i);
  });

  it('README says once, plainly, to export PORT in the terminal of the curl blocks', () => {
    expect(readme).toMatch(/export PORT=<that port>/);
  });

  it('finds the workflow example on its page (docs/workflows.md) and where it says to save it', () => {
    expect(workflowExample(readme)).toBeUndefined();
    const example = workflowExample(workflowsPage)!;
    expect(example.file).toBe('functions/workflows/modules/zone_report.ts');
    expect(example.code).toContain("name: 'zone_report'");
  });
});
