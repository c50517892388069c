import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The web UI in a real browser (npm run test:browser): one file at a time, each against its own local runtime.
// The suite's split into thread and process pools (vitest.config.ts) is not for these.
const { projects: _suitePools, ...shared } = base.test ?? {};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/browser/**/*.test.ts'],
    exclude: [],
    globalSetup: ['test/support/global-setup.ts', 'test/browser/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // One file at a time: a simulated server restarted by one file's controls takes its old port back,
    // which another file's runtime could have taken meanwhile.
    fileParallelism: false,
    // Pages refresh every 2-5 s: wait for what a person would see, not for vitest's 1 s default.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
