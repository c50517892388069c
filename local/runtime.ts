import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { LocalEventBus } from './event-bus.js';
import { createGatewayTable, localTableName, startDynalite } from './dynamo.js';
import { lambdaContext } from './lambda-context.js';
import { DEMO_USERS, SimCluster } from './bam-sim/cluster.js';
import { startNode } from './node-runtime.js';
import { TableLink } from './table-link.js';
import { startControlServer } from './control-server.js';
import { localControls } from './controls.js';

export interface LocalStackOptions {
  /** API port of node a; node b listens on the next one. 0 picks free ports (tests). */
  port?: number;
  /** Extra environment for the gateway functions (BAM_API_VERSION, MONITOR_*, ...). */
  env?: Record<string, string>;
  /** Real BAM servers (`name=url,...`); without it a simulated cluster runs. */
  bamServers?: string;
  /** The simulated cluster's server names, the first one Primary (default bam1, bam2: a promote makes a Standalone server; three or more: a Primary). */
  simServers?: string[];
  /** 1: a single gateway, not in a group (default). 2: the availability group, nodes a and b. */
  nodes?: 1 | 2;
  /**
   * A single node run in a worker thread of its own instead of this one (benchmarks: the simulated
   * BAM servers and DynamoDB, other machines in production, then do not share its event loop).
   */
  gatewayThread?: boolean;
}

export interface NodeHandle {
  id: string;
  url: string;
  running: boolean;
  /** Cut off from the table (`POST /_local/nodes/{id}/partition`): a region that lost its quorum. */
  partitioned: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface LocalStack {
  /** Node a's API. */
  url: string;
  nodes: Map<string, NodeHandle>;
  cluster?: SimCluster;
  bus: LocalEventBus;
  env: Record<string, string>;
  /** In a group, each node's path to the table (requests counted by operation; cut by a partition). */
  tableLinks?: Record<string, TableLink>;
  /** One probe round now, through node a's monitor handler. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole gateway on this machine: simulated BAM cluster, embedded DynamoDB, the local event
 * bus with its subscribers, and one or two gateway nodes calling the same handler exports Lambda
 * calls. Node a runs in this process; node b (in a group) in a worker thread with its own
 * environment, as a second deployment has its own configuration.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  // Lambda runs Node 22; the SDK's warning about this machine's Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const serviceUser = opts.env?.GATEWAY_SERVICE_USERNAME ?? process.env.GATEWAY_SERVICE_USERNAME ?? 'gateway-svc';
  const servicePass = opts.env?.GATEWAY_SERVICE_PASSWORD ?? process.env.GATEWAY_SERVICE_PASSWORD ?? 'gateway-svc-pass';
  const cluster = opts.bamServers ? undefined : await new SimCluster({ users: { ...DEMO_USERS, [serviceUser]: servicePass }, ...(opts.simServers ? { servers: opts.simServers } : {}) }).start();
  const dynamo = await startDynalite();
  const tableName = localTableName('failover-gateway-local');
  await createGatewayTable(dynamo.endpoint, tableName);
  const bus = await new LocalEventBus().start();
  const grouped = opts.nodes === 2;
  // In a group, each node reaches the table through its own link, as two regions reach their
  // replicas: a partition cuts one node off while the other goes on.
  const links = grouped ? { a: await new TableLink(dynamo.endpoint).start(), b: await new TableLink(dynamo.endpoint).start() } : undefined;

  const env: Record<string, string> = {
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    EVENT_BUS_NAME: 'failover-gateway-local',
    BAM_SERVERS: opts.bamServers ?? cluster!.serverList(),
    ...(cluster ? await failoverApiEnv(cluster) : {}),
    GATEWAY_SERVICE_USERNAME: serviceUser,
    GATEWAY_SERVICE_PASSWORD: servicePass,
    // Both nodes must read each other's sessions: one key for the whole group.
    CREDENTIAL_KEY: process.env.CREDENTIAL_KEY ?? randomBytes(32).toString('base64'),
    // Signs tenant tokens (npm run user-manager); per process, like the table that records them.
    TENANT_TOKEN_KEY: process.env.TENANT_TOKEN_KEY ?? randomBytes(32).toString('base64'),
    LOCAL_MODE: 'true',
    POWERTOOLS_SERVICE_NAME: 'failover-gateway',
    POWERTOOLS_METRICS_DISABLED: 'true', // no CloudWatch here: keep the EMF lines out of the console
    ...opts.env,
  };
  const basePort = opts.port ?? 0;
  // A node's URL is informational (shown in the group view); with free ports it is not known in advance.
  const nodeUrl = (port: number) => (basePort ? { NODE_URL: `http://127.0.0.1:${port}` } : {});
  Object.assign(process.env, env, links ? { NODE_ID: 'a', AWS_ENDPOINT_URL_DYNAMODB: links.a.endpoint, ...nodeUrl(basePort) } : {});

  const { gatewayDeps } = await import('../functions/wiring/gateway.js');
  const { statusBody } = await import('../functions/monitor/http/status.js');
  const { roleOf } = await import('../functions/group/domain/group.js');
  // The controls read the table directly: they must answer whichever node is cut off.
  const { makeDocumentClient } = await import('../functions/adapters/dynamo.js');
  const { DynamoGroupStore } = await import('../functions/adapters/group-store.js');
  const { DynamoMonitorStore } = await import('../functions/adapters/monitor-store.js');
  const direct = makeDocumentClient(dynamo.endpoint);
  const tableView = { group: new DynamoGroupStore(direct, tableName), monitor: new DynamoMonitorStore(direct, tableName) };

  // Subscriptions: the same patterns and handlers the CDK stack deploys as rules and Lambdas.
  const { subscriptions, subscriberHandlers } = await import('../functions/lambdas/subscribers/index.js');
  for (const sub of subscriptions) {
    // The module the subscription was discovered in exports its handler (functions/events/define-subscription.ts).
    const fn = subscriberHandlers[sub.handler] as (event: unknown, ctx: Context) => Promise<unknown>;
    bus.subscribe(sub.id, sub.pattern, (event) => fn(event, lambdaContext(`gateway-${sub.handler}`, 30_000)));
  }

  // Local demo permissions (docs/configuration.md): alice may run the sample workflow, and through the
  // network-engineers group the two others; bob may run nothing.
  const { permissions } = gatewayDeps();
  await permissions.grant({ kind: 'user', name: 'alice' }, 'failover_rest_endpoints');
  for (const p of ['ip_space', 'dns_records']) await permissions.grant({ kind: 'group', name: 'network-engineers' }, p);
  await permissions.addMember('network-engineers', 'alice');

  const nodes = new Map<string, NodeHandle>();
  const controls = localControls({ cluster, nodes, links, grouped, bus, tableView, statusBody, roleOf });

  // Node b (or a single node in its own thread) in a worker thread, reaching the controls through a small HTTP server.
  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  const workers: Worker[] = [];
  const controlServer = async () => {
    control = await startControlServer(controls);
    return control.url;
  };
  const nodeWorker = (workerEnv: Record<string, string | undefined>, workerData: Record<string, unknown>) => {
    const worker = new Worker(new URL('./node-worker.mjs', import.meta.url), { env: workerEnv, execArgv: [], workerData });
    workers.push(worker);
    return worker;
  };

  let probeA: () => Promise<void>;
  if (opts.gatewayThread && !grouped) {
    const a = await workerHandle('a', nodeWorker({ ...process.env, ...env }, { port: basePort, controlUrl: await controlServer(), probeFirst: true }));
    nodes.set('a', a);
    probeA = a.probe;
  } else {
    // Node a, in this process.
    const a = await startNode(basePort, controls);
    await a.probe(); // know the Primary before accepting logins
    await a.start();
    nodes.set('a', handle('a', a, links?.a));
    probeA = () => a.probe();
  }
  if (grouped) {
    const bPort = basePort ? basePort + 1 : 0;
    const worker = nodeWorker({ ...process.env, ...env, NODE_ID: 'b', AWS_ENDPOINT_URL_DYNAMODB: links!.b.endpoint, ...nodeUrl(bPort) }, { port: bPort, controlUrl: await controlServer() });
    nodes.set('b', await workerHandle('b', worker, links!.b));
  }

  return {
    url: nodes.get('a')!.url,
    nodes,
    cluster,
    bus,
    env,
    ...(links ? { tableLinks: links } : {}),
    probe: () => probeA(),
    close: async () => {
      for (const n of nodes.values()) await n.stop().catch(() => undefined);
      for (const w of workers) await w.terminate();
      await control?.close();
      await bus.close();
      await cluster?.close();
      direct.destroy();
      for (const link of Object.values(links ?? {})) await link.close();
      await dynamo.close();
    },
  };
}

/** The simulated servers' Failover API addresses and the client certificate the gateway presents there. */
async function failoverApiEnv(cluster: SimCluster): Promise<Record<string, string>> {
  const list = cluster.failoverApiList();
  if (!list) return {};
  const tls = await cluster.tls();
  return { BAM_FAILOVER_API: list, BAM_FAILOVER_CLIENT_CERT: tls.clientCert, BAM_FAILOVER_CLIENT_KEY: tls.clientKey, BAM_FAILOVER_CA: tls.ca };
}

function handle(id: string, node: Awaited<ReturnType<typeof startNode>>, link?: TableLink): NodeHandle {
  return {
    id,
    get partitioned() {
      return link?.cut ?? false;
    },
    get url() {
      return node.url;
    },
    get running() {
      return node.running;
    },
    stop: () => node.stop(),
    start: () => node.start(),
  };
}

/** A node in a worker: commands by message, answers by id. Resolves once the node serves. */
async function workerHandle(id: string, worker: Worker, link?: TableLink): Promise<NodeHandle & { probe: () => Promise<void> }> {
  let seq = 0;
  const waiting = new Map<number, (m: { ok: boolean; url?: string; running?: boolean; error?: string }) => void>();
  const state = { url: '', running: false };
  const ready = new Promise<void>((resolve, reject) => {
    waiting.set(0, (m) => (m.ok ? resolve() : reject(new Error(m.error))));
    worker.once('error', reject);
  });
  worker.on('message', (m: { id: number; ok: boolean; url?: string; running?: boolean; error?: string }) => {
    if (m.url) state.url = m.url;
    if (m.running !== undefined) state.running = m.running;
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const command = (cmd: 'start' | 'stop' | 'probe') =>
    new Promise<void>((resolve, reject) => {
      const mid = ++seq;
      waiting.set(mid, (m) => (m.ok ? resolve() : reject(new Error(m.error))));
      worker.postMessage({ id: mid, cmd });
    });
  await ready;
  return {
    id,
    get partitioned() {
      return link?.cut ?? false;
    },
    get url() {
      return state.url;
    },
    get running() {
      return state.running;
    },
    stop: () => command('stop'),
    start: () => command('start'),
    probe: () => command('probe'),
  };
}
