import type { CommandSpec } from './cli-options.js';

/**
 * The command lines of the project's scripts, in one module so the help tests can read them
 * without running a benchmark. The user-manager CLI keeps its own (Airlock's) usage text.
 */
export const START: CommandSpec = {
  command: 'npm start --',
  summary:
    'Runs the gateway on this machine: node a on PORT (availability-group Primary), node b on PORT+1 (Secondary), a simulated BAM cluster, embedded DynamoDB (in memory: a restart starts empty) and a local event bus. Prints a line with "ready" when it accepts requests. Ctrl-C stops everything.',
  options: {},
  env: [
    ['PORT', "node a's port (default 3000); node b uses PORT+1; 0 picks free ports"],
    ['BAM_API_VERSION', 'BAM REST API the gateway uses: 1 or 2 (default 2)'],
    ['BAM_SERVERS', 'real BAM servers instead of the simulator: bam1=https://10.0.0.1,bam2=https://10.0.0.2'],
    ['GATEWAY_SERVICE_USERNAME', 'failover-monitoring service user (default gateway-svc)'],
    ['GATEWAY_SERVICE_PASSWORD', 'its password (default gateway-svc-pass)'],
  ],
  notes: ['Every variable is in docs/configuration.md.'],
};

export const BENCH_FAILOVER: CommandSpec = {
  command: 'npm run bench:failover --',
  summary:
    'Times failover detection (Primary stopped -> FAILOVER_IN_PROGRESS) and restore (promote -> a restorable session served) on the local stack, then the restore with 10 and with many live sessions.',
  options: {
    trials: { type: 'integer', min: 1, max: 1000, default: 10, description: 'stop/promote trials' },
    sessions: { type: 'integer', min: 10, max: 1_000_000, default: 10_000, description: 'live sessions for the restore-at-scale figure' },
    hang: {
      type: 'boolean',
      description: 'hang the Primary (it accepts connections, never answers) instead of stopping it, under load; prints detection and restore p50/p95 and what the clients got',
    },
    clients: { type: 'integer', min: 2, max: 1000, default: 100, description: 'with --hang: concurrent clients (half restorable, half alias)' },
  },
};

export const BENCH_LOAD: CommandSpec = {
  command: 'npm run bench:load --',
  summary:
    'Concurrent clients (half restorable service-user sessions, half alice through the alias) through a stop -> promote failover and a short Primary blip, or (--flapping) through short outages of a Primary that answers between them; prints answers per outcome and latencies.',
  options: {
    clients: { type: 'integer', min: 2, max: 1000, default: 100, description: 'concurrent clients' },
    'blip-ms': { type: 'integer', min: 1, max: 5000, default: 400, description: 'length of the Primary blip in ms' },
    flapping: {
      type: 'boolean',
      description: 'instead: the Primary stopped for --flap-ms, --flaps times, one every --flap-every ms, while the clients call it (the goal: 100 ms, 10 times, 500 ms; run it with --clients 20)',
    },
    flaps: { type: 'integer', min: 1, max: 1000, default: 10, description: 'with --flapping: how many outages' },
    'flap-ms': { type: 'integer', min: 1, max: 5000, default: 100, description: 'with --flapping: length of each outage in ms' },
    'flap-every': { type: 'integer', min: 2, max: 60_000, default: 500, description: 'with --flapping: ms from one outage to the next' },
  },
};

export const BENCH_SWITCHOVER: CommandSpec = {
  command: 'npm run bench:switchover --',
  summary:
    'The same load through a planned switchover (the Primary drained through /airlock/rest) and an unplanned failover; prints answers by status, failed requests and how long held calls waited. The last line is machine-readable.',
  options: {
    clients: { type: 'integer', min: 2, max: 1000, default: 100, description: 'concurrent clients: half restorable sessions, half a stream of new alias logins (one call each)' },
    'one-thread': { type: 'boolean', description: 'run the gateway in the same thread as the simulated BAM servers and dynalite (default: a thread of its own)' },
  },
};

/** The commit before the request-path work, measured side by side by default. */
export const OVERHEAD_BASELINE = '6910954';

export const BENCH_OVERHEAD: CommandSpec = {
  command: 'npm run bench:overhead --',
  summary:
    "What the gateway adds to a BAM call on the local runtime: the same call direct and through the sample workflow at concurrency 1, 10 and 50 (a session per client), DynamoDB operations and items per request, logins with many stored sessions, an idle group's table traffic; for this code and a baseline commit. The last line is machine-readable.",
  options: {
    seconds: { type: 'integer', min: 1, max: 60, default: 3, description: 'measuring time per level and target' },
    sessions: { type: 'integer', min: 0, max: 200_000, default: 50_000, description: 'stored sessions for the second login measurement' },
    baseline: { type: 'string', value: 'REF', default: OVERHEAD_BASELINE, description: 'git commit measured side by side ("none" skips it)' },
    child: { type: 'string', value: 'DIR', description: 'internal: run as the measured gateway process' },
  },
};

/** The commit this branch of the login limits started from (20-21 of 50 parallel logins answered 429). */
export const LOGINS_BASELINE = '5d3569c';

export const BENCH_LOGINS: CommandSpec = {
  command: 'npm run bench:logins --',
  summary:
    'What the login limits cost on the local stack, for this code and a baseline commit in the same run: a burst of parallel right logins of one user (from a known and from a new address: answers by status, goal no 429), and logins per second of one user at a given concurrency. The last line is machine-readable.',
  options: {
    logins: { type: 'integer', min: 100, max: 1_000_000, default: 20_000, description: 'logins in the throughput measurement' },
    concurrency: { type: 'integer', min: 1, max: 500, default: 50, description: 'clients logging in at once in the throughput measurement' },
    burst: { type: 'integer', min: 1, max: 1000, default: 100, description: 'clients of one user logging in at once' },
    baseline: { type: 'string', value: 'REF', default: LOGINS_BASELINE, description: 'git commit measured side by side ("none" skips it)' },
    'one-thread': {
      type: 'boolean',
      description: 'the gateway on the event loop of the simulated BAM and dynalite (default: a thread of its own, as BAM and DynamoDB are other machines in production)',
    },
    child: { type: 'string', value: 'DIR', description: 'internal: run as the measured gateway process' },
  },
};

export const BENCH_TAKEOVER: CommandSpec = {
  command: 'npm run bench:takeover --',
  summary: 'Cuts off the Primary gateway node N times and times until the other node is Primary (goal: allowed_absence + health_check).',
  options: {
    trials: { type: 'integer', min: 1, max: 1000, default: 10, description: 'trials' },
    partition: { type: 'boolean', description: "keep the Primary running but cut off from the table (a region that lost its quorum), and measure the table's write rate first; default: stop it" },
  },
};

export const BENCH_BUNDLE: CommandSpec = {
  command: 'npm run bench:bundle --',
  summary: "Bundles every Lambda as the CDK stack does and prints its size and the time to import it in a fresh Node process (median of 5); then the web UI's bundle against its 150 KB gzip budget.",
  options: {},
};

export const BENCH_UI_POLLING: CommandSpec = {
  command: 'npm run bench:ui-polling --',
  summary:
    "Opens the web UI's dashboard in headless Chromium against the local runtime (two nodes) and counts what one open tab sends: requests a minute at steady state (goal at most 20), while hidden, and during a BAM failover. Needs /usr/bin/chromium (CHROMIUM_PATH).",
  options: {
    seconds: { type: 'integer', min: 10, max: 600, default: 60, description: 'how long to count at steady state' },
  },
};

export const GEN_WORKFLOWS: CommandSpec = {
  command: 'npm run gen:workflows --',
  summary:
    "Writes the workflow manifest (functions/workflows/manifest.ts) and each workflow's runner entry (functions/lambdas/runners/) from functions/workflows/modules/, each module read in a sandboxed process of its own, and functions/lambdas/subscribers/index.ts (npm start and npm test run it first; cdk synth only checks the manifest is fresh).",
  options: {},
};

export const LINT_DEPS: CommandSpec = {
  command: 'npm run lint:deps --',
  summary:
    'Checks the import rules (.dependency-cruiser.cjs) and that no two folders of functions/ import each other, type imports included; names every import that breaks a rule (part of npm test).',
  options: {},
};

export const BUILD_UI: CommandSpec = {
  command: 'npm run build:ui --',
  summary: 'Builds the web UI into ui/dist when its sources changed, and prints the bundle sizes (gzip JS and CSS). npm start runs it first.',
  options: { force: { type: 'boolean', description: 'build even when nothing changed' } },
};

export const TEST_BROWSER: CommandSpec = {
  command: 'npm run test:browser --',
  summary:
    "The web UI's tests in headless Chromium (test/browser, vitest.browser.config.ts); run by npm test beside the suite. Without the browser they are skipped with a line saying so, except with CI=true.",
  options: {},
  env: [
    ['CHROMIUM_PATH', 'the browser (default /usr/bin/chromium; Debian: apt-get install -y chromium)'],
    ['CI', 'true: a missing browser fails the run'],
  ],
  notes: ['Other arguments go to vitest, e.g. a test file or -t <name>.'],
};

export const README_CHECK: CommandSpec = {
  command: 'npm run readme:check --',
  summary: 'Runs the sh blocks of README.md and docs/*.md (all but those marked `sh no-check`) with bash against a fresh `npm start` on free ports, and checks the outputs they show.',
  options: {
    only: { type: 'string', value: 'TEXT', description: 'run only the blocks of sections whose heading (or page file name) contains TEXT' },
    list: { type: 'boolean', description: 'list the blocks and exit' },
    verbose: { type: 'boolean', short: 'v', description: "print each block's output" },
  },
};

/** Every script with a command line, by npm script name (the help tests go through all). */
export const COMMANDS: Record<string, { script: string; spec: CommandSpec }> = {
  start: { script: 'bin/local.ts', spec: START },
  'bench:failover': { script: 'bench/failover.ts', spec: BENCH_FAILOVER },
  'bench:load': { script: 'bench/load.ts', spec: BENCH_LOAD },
  'bench:switchover': { script: 'bench/switchover.ts', spec: BENCH_SWITCHOVER },
  'bench:takeover': { script: 'bench/takeover.ts', spec: BENCH_TAKEOVER },
  'bench:overhead': { script: 'bench/overhead.ts', spec: BENCH_OVERHEAD },
  'bench:logins': { script: 'bench/logins.ts', spec: BENCH_LOGINS },
  'bench:bundle': { script: 'bench/bundle.ts', spec: BENCH_BUNDLE },
  'bench:ui-polling': { script: 'bench/ui-polling.ts', spec: BENCH_UI_POLLING },
  'gen:workflows': { script: 'bin/gen-workflows.ts', spec: GEN_WORKFLOWS },
  'lint:deps': { script: 'bin/lint-deps.ts', spec: LINT_DEPS },
  'build:ui': { script: 'bin/build-ui.ts', spec: BUILD_UI },
  'readme:check': { script: 'bin/readme-check.ts', spec: README_CHECK },
};
