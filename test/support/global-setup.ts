import type { TestProject } from 'vitest/node';
import { generateFailoverTls, type FailoverTls } from '../../local/bam-sim/tls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The simulated BAM cluster's TLS material, generated once per run (see test/support/setup.ts). */
    failoverTls: FailoverTls;
  }
}

// Each project loads this module anew: the one set lives on the process, not in the module.
const KEY = Symbol.for('failover-gateway.test.failoverTls');
const holder = globalThis as { [KEY]?: Promise<FailoverTls> };

/** Once per run, before any test file: what every file's clusters can share. */
export default async function setup(project: TestProject): Promise<void> {
  holder[KEY] ??= generateFailoverTls();
  project.provide('failoverTls', await holder[KEY]);
}
