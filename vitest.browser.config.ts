import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The web UI in a real browser (npm run test:browser): each file against its own local runtime.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/browser/**/*.test.ts'],
    exclude: [],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Two files at a time (each its own runtime and browser): about half the wall time on two cores.
    maxWorkers: 2,
    // Pages refresh every 2-5 s: wait for what a person would see, not for vitest's 1 s default.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
