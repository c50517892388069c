import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { HandlerName } from '../functions/routes.js';
import { LocalApiServer, type HttpLambda, type LocalControls } from './api-server.js';
import { LocalEventBus } from './event-bus.js';
import { createGatewayTable, startDynalite } from './dynamo.js';
import { lambdaContext } from './lambda-context.js';
import { DEMO_USERS, SimCluster } from './bam-sim/cluster.js';

export interface LocalStackOptions {
  /** API port; 0 picks a free one (tests). */
  port?: number;
  /** Extra environment for the gateway functions (BAM_API_VERSION, MONITOR_*, ...). */
  env?: Record<string, string>;
  /** Real BAM servers (`name=url,...`); without it a simulated cluster runs. */
  bamServers?: string;
  /** Run the monitor loop (default true). Tests of the state machine drive rounds themselves. */
  monitor?: boolean;
}

export interface LocalStack {
  url: string;
  cluster?: SimCluster;
  bus: LocalEventBus;
  env: Record<string, string>;
  /** One probe round now, through the monitor handler (as an on-demand probe would). */
  probe(): Promise<void>;
  close(): Promise<void>;
}

const MONITOR_RUN_MS = 60_000; // the schedule's period in AWS: one monitor run per minute

/**
 * The whole gateway on this machine: simulated BAM cluster, embedded DynamoDB, local event bus,
 * the monitor loop and the HTTP API, all calling the same handler exports Lambda calls.
 * Handler modules read their configuration when first imported, so the environment is set first.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  // Lambda runs Node 22; the SDK's warning about this machine's Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const serviceUser = opts.env?.GATEWAY_SERVICE_USERNAME ?? process.env.GATEWAY_SERVICE_USERNAME ?? 'gateway-svc';
  const servicePass = opts.env?.GATEWAY_SERVICE_PASSWORD ?? process.env.GATEWAY_SERVICE_PASSWORD ?? 'gateway-svc-pass';
  const cluster = opts.bamServers ? undefined : await new SimCluster({ users: { ...DEMO_USERS, [serviceUser]: servicePass } }).start();
  const dynamo = await startDynalite();
  const tableName = 'failover-gateway-local';
  await createGatewayTable(dynamo.endpoint, tableName);
  const bus = await new LocalEventBus().start();

  const env: Record<string, string> = {
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    EVENTBRIDGE_ENDPOINT: bus.endpoint,
    EVENT_BUS_NAME: 'failover-gateway-local',
    BAM_SERVERS: opts.bamServers ?? cluster!.serverList(),
    GATEWAY_SERVICE_USERNAME: serviceUser,
    GATEWAY_SERVICE_PASSWORD: servicePass,
    CREDENTIAL_KEY: process.env.CREDENTIAL_KEY ?? randomBytes(32).toString('base64'),
    LOCAL_MODE: 'true',
    POWERTOOLS_SERVICE_NAME: 'failover-gateway',
    ...opts.env,
  };
  Object.assign(process.env, env);

  // Imported only now, after the environment is set: handler modules read it when first loaded.
  const handlers: Record<HandlerName, HttpLambda> = {
    login: (await import('../functions/handlers/login.js')).handler as HttpLambda,
    logout: (await import('../functions/handlers/logout.js')).handler as HttpLambda,
    status: (await import('../functions/handlers/status.js')).handler as HttpLambda,
    workflows: (await import('../functions/handlers/workflows.js')).handler as HttpLambda,
    admin: (await import('../functions/handlers/admin.js')).handler as HttpLambda,
    availability: (await import('../functions/handlers/availability.js')).handler as HttpLambda,
    'not-found': (await import('../functions/handlers/not-found.js')).handler as HttpLambda,
  };
  const monitorHandler = (await import('../functions/handlers/monitor.js')).handler as unknown as (event: unknown, ctx: Context) => Promise<unknown>;
  const { gatewayDeps } = await import('../functions/commons/deps.js');
  // Subscriptions: the same patterns and handlers the CDK stack deploys as rules and Lambdas.
  const { subscriptions } = await import('../functions/subscriptions.js');
  const subscriberHandlers = { 'role-change-logger': (await import('../functions/subscribers/role-change-logger.js')).handler };
  for (const sub of subscriptions) {
    const fn = subscriberHandlers[sub.handler] as unknown as (event: unknown, ctx: Context) => Promise<unknown>;
    bus.subscribe(sub.id, sub.pattern, (event) => fn(event, lambdaContext(`gateway-${sub.handler}`, 30_000)));
  }
  const { statusBody } = await import('../functions/handlers/status.js');

  // Local demo permissions (SPEC §3): alice may run the sample workflow, and through the
  // network-engineers group the two others; bob may run nothing.
  const { permissions } = gatewayDeps();
  await permissions.grant({ kind: 'user', name: 'alice' }, 'failover_rest_endpoints');
  for (const p of ['ip_space', 'dns_records']) await permissions.grant({ kind: 'group', name: 'network-engineers' }, p);
  await permissions.addMember('network-engineers', 'alice');

  const probe = async () => void (await monitorHandler({ mode: 'once' }, lambdaContext('gateway-monitor', 10_000)));
  await probe(); // know the Primary before accepting logins

  let stopped = false;
  // As the schedule does in AWS: a monitor run starts every minute (and each run loops for most of it).
  let wake: () => void = () => undefined;
  const monitorDone = (async () => {
    while (opts.monitor !== false && !stopped) {
      const started = Date.now();
      await monitorHandler({}, lambdaContext('gateway-monitor', MONITOR_RUN_MS + 10_000, () => stopped)).catch((err: unknown) => console.error('monitor run failed', err));
      const wait = started + MONITOR_RUN_MS - Date.now();
      if (wait > 0 && !stopped) await new Promise<void>((r) => ((wake = r), setTimeout(r, wait)));
    }
  })();

  const controls: LocalControls = async (method, path) => {
    const bamControl = /^\/_local\/bam\/([^/]+)\/(stop|hang|start|promote)$/.exec(path);
    if (bamControl && method === 'POST') {
      if (!cluster) return { status: 404, body: { code: 'NotFound', message: 'No simulated BAM cluster runs (BAM_SERVERS is set).', status: 404 } };
      const [, name, action] = bamControl as unknown as [string, string, 'stop' | 'hang' | 'start' | 'promote'];
      const server = cluster.servers.get(name);
      if (!server) return { status: 404, body: { code: 'NotFound', message: `No simulated BAM server named ${name}.`, status: 404 } };
      if (action === 'stop') await server.stop();
      else if (action === 'start') await server.start();
      else if (action === 'hang') server.hang();
      else cluster.promote(name);
      return { status: 200, body: { server: cluster.snapshot().find((s) => s.name === name) } };
    }
    if (path === '/_local/state' && method === 'GET') {
      const state = (await gatewayDeps().monitorStore.get())?.state;
      return { status: 200, body: { cluster: cluster?.snapshot() ?? null, monitoring: state ? statusBody(state) : null } };
    }
    if (path === '/_local/events' && method === 'GET') return { status: 200, body: { events: bus.recent() } };
    return { status: 404, body: { code: 'NotFound', message: `No local control ${method} ${path}.`, status: 404 } };
  };

  const api = await new LocalApiServer(handlers, controls).listen(opts.port ?? 0);
  return {
    url: api.url,
    cluster,
    bus,
    env,
    probe,
    close: async () => {
      stopped = true;
      wake();
      await api.close();
      await monitorDone;
      await bus.close();
      await cluster?.close();
      await dynamo.close();
    },
  };
}
