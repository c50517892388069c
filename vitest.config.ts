import { defineConfig } from 'vitest/config';

/** Files that need a process of their own (see `projects`). */
const OWN_PROCESS = ['test/infra/stack.test.ts'];
/**
 * Integration tests that may share a thread's modules: each brings its own dynalite table or
 * simulated BAM server and passes its clients in, starts no stack, sets no environment, and undoes
 * any class-wide mock (`mockClient(SomeClient)`) it makes. A new one that keeps those rules may join.
 */
const SHARED_INTEGRATION = [
  'bam-clients',
  'bam-error-redaction',
  'bam-keep-alive',
  'bam-v2-fidelity',
  'batched-table-requests',
  'credential-key',
  'expired-sweeper',
  'group-consistency',
  'group-property',
  'group',
  'login-throttle-reads',
  'monitor-flapping',
  'monitor-persistence',
  'outbox-backlog',
  'permission-reads',
  'probe-chain',
  'session-count-scale',
  'state-cache-signs',
  'switchover-release',
  'tenant-token-store',
  'warm-up',
].map((name) => `test/integration/${name}.test.ts`);
/** Files that may share one module graph per thread (see `projects`). */
const SHARED_MODULES = ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/infra/**/*.test.ts', ...SHARED_INTEGRATION];
/**
 * ... but not these: they start a local stack (whose module-scope clients point at that stack's
 * table), import Lambda entries (which read the environment when imported), or set the environment.
 */
const OWN_MODULES = [
  'test/contract/local-controls.test.ts',
  'test/infra/workflow-boundary.test.ts',
  'test/unit/dns-follows-primary.test.ts',
  'test/unit/origin-verify.test.ts',
  'test/unit/routes.test.ts',
  'test/unit/subscriber-discovery.test.ts',
  'test/unit/ui-static.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    // `npm test` runs with --coverage: the gateway's own code, with thresholds at what the suite reaches.
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'local/**/*.ts'],
      // Generated indexes (the benchmarks' client drivers live in bench/, outside the measured code).
      exclude: ['functions/workflows/index.ts', 'functions/lambdas/subscribers/index.ts'],
      reporter: ['text-summary', 'html'],
      reportsDirectory: 'coverage',
      // Just under what the suite measures (92.6 % / 85.1 %): timing-dependent branches move a little from run to run.
      thresholds: { statements: 92, branches: 84.5 },
    },
    // Most files wait on timers and sockets, not the CPU: three at once on two cores halves the wall time.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 3),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // aws-cdk-lib runs AWS's CloudFormation validator inside every synth (seconds each):
      // test/infra/cfn-validate.test.ts runs it once per form instead.
      CDK_VALIDATION: 'false',
      // Tests talk only to dynalite and the local bus; the SDK still wants a region and credentials.
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    // Test files run in worker threads (cheaper to start than a process each), except those whose
    // tools write to the process's own stdio, which a thread does not have (aws-cdk-lib's bundling
    // runs esbuild with the parent's stderr). Unit, contract and infrastructure tests, which start no
    // stack and set no environment, share their threads' modules (the AWS SDK and aws-cdk-lib are
    // not imported again for each file: about 40 CPU-seconds less), as do the integration tests in
    // SHARED_INTEGRATION; every other integration test gets a fresh module graph per file, as a stack
    // start needs. The browser tests run in their own step
    // (npm run test:browser, vitest.browser.config.ts).
    projects: [
      { extends: true, test: { name: 'shared', pool: 'threads', isolate: false, include: SHARED_MODULES, exclude: [...OWN_PROCESS, ...OWN_MODULES, '**/node_modules/**'] } },
      {
        extends: true,
        test: { name: 'threads', pool: 'threads', include: ['test/integration/**/*.test.ts', ...OWN_MODULES], exclude: [...OWN_PROCESS, ...SHARED_INTEGRATION, '**/node_modules/**'] },
      },
      { extends: true, test: { name: 'processes', pool: 'forks', include: OWN_PROCESS } },
    ],
  },
});
