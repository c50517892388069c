/**
 * `npm run test:browser` (and the last step of `npm test`): the web UI's tests in Debian's headless
 * Chromium (test/browser, vitest.browser.config.ts). Without /usr/bin/chromium they are skipped
 * with a line saying so, except in CI (CI=true), where a missing browser fails the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { usage } from './cli-options.js';
import { TEST_BROWSER } from './commands.js';

// Only --help is ours: every other argument is vitest's.
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(usage(TEST_BROWSER));
  process.exit(0);
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const why = `browser tests: ${CHROMIUM} not found (Debian: apt-get install -y chromium)`;
  if (process.env.CI === 'true') {
    console.error(`${why}. CI must run them: failing.`);
    process.exit(1);
  }
  console.log(`SKIPPED ${why}. Everything else ran.`);
  process.exit(0);
}
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.browser.config.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
