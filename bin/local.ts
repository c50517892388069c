/**
 * `npm start`: the gateway on this machine, with no AWS account, no Docker and no network.
 * Configuration: see docs/configuration.md. Ctrl-C stops everything.
 */
import { explainStartError, resolvePort } from '../local/start-port.js';
import { cli } from './cli-options.js';
import { START } from './commands.js';

cli(START);
// The stack's modules after the command line: --help and a bad option answer at once.
const { startLocalStack } = await import('../local/runtime.js');
const { port, warning } = resolvePort(process.env.PORT);
if (warning) console.error(warning);

const passwordFromEnv = Boolean(process.env.GATEWAY_SERVICE_PASSWORD);
try {
  const stack = await startLocalStack({ port, bamServers: process.env.BAM_SERVERS, nodes: 2 });
  const svc = `${stack.env.GATEWAY_SERVICE_USERNAME} / ${passwordFromEnv ? '(password from GATEWAY_SERVICE_PASSWORD)' : stack.env.GATEWAY_SERVICE_PASSWORD}`;
  console.log(`Failover Gateway ready on ${stack.url}`);
  console.log(`  web UI               ${stack.url}/  (log in as one of the demo users below; docs/web-ui.md)`);
  console.log(`  API, node a          ${stack.url}  (availability group Primary; BAM REST API v${stack.env.BAM_API_VERSION ?? process.env.BAM_API_VERSION ?? '2'})`);
  console.log(`  API, node b          ${stack.nodes.get('b')!.url}  (Secondary; sessions work on either node)`);
  if (stack.cluster) for (const s of stack.cluster.snapshot()) console.log(`  simulated BAM ${s.name.padEnd(6)} ${s.url}  (${s.role})`);
  console.log(`  cluster state        GET ${stack.url}/_local/state   events: GET ${stack.url}/_local/events`);
  console.log(`  demo users           ${svc} (service user, admin) · alice / alice-pass · bob / bob-pass`);
  console.log(`  try it               curl -s -X POST ${stack.url}/rest_login -H 'content-type: application/json' -d '{"username":"alice","password":"alice-pass"}'`);
  if (stack.cluster) {
    const ctl = (name: string, action: string) => `curl -X POST ${stack.url}/_local/bam/${name}/${action}`;
    console.log(`  a BAM failover       1. ${ctl('bam1', 'stop')}      (the Primary dies)`);
    console.log(`                       2. ${ctl('bam2', 'promote')}   (the operator promotes the Standby: Standalone)`);
    console.log(`                       3. ${ctl('bam1', 'start')}     (bam1 back, still claiming Primary: split brain, not switched back)`);
    console.log(`                       4. ${ctl('bam1', 'readd')}     (the operator re-adds it as bam2's Standby)`);
  }
  console.log(`  a gateway failover   curl -X POST ${stack.nodes.get('b')!.url}/_local/nodes/a/stop`);
  console.log('  README.md walks through the rest, and docs/ goes further. Ctrl-C stops.');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: stopping...`);
    await stack.close();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (err) {
  console.error(`Failover Gateway failed to start: ${explainStartError(err, port)}`);
  process.exit(1);
}
