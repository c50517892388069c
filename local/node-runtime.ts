import type { Context } from 'aws-lambda';
import type { ApiFunction } from '../functions/kernel/route-table.js';
import { LocalApiServer, type HttpLambda, type LocalControls } from './api-server.js';
import { lambdaContext } from './lambda-context.js';

const SCHEDULE_MS = 60_000; // the schedule's period in AWS: one run of each background function per minute

type Background = (event: unknown, ctx: Context) => Promise<unknown>;

export interface GatewayNode {
  readonly url: string;
  readonly running: boolean;
  /** One probe round now, through the monitor handler (as an on-demand probe would). */
  probe(): Promise<void>;
  /** The node goes down: API closed, no heartbeats, no monitor. */
  stop(): Promise<void>;
  /** It comes back on the same port. */
  start(): Promise<void>;
}

/** Every workflow of the manifest, served by its generated runner entry (functions/lambdas/runners/<name>.ts). */
async function registerLocalRunners(): Promise<void> {
  const { registerLocalRunner } = await import('../functions/adapters/runner-invoker.js');
  const { workflowManifest } = await import('../functions/workflows/manifest.js');
  for (const w of workflowManifest.workflows) {
    const { handler } = (await import(`../functions/lambdas/runners/${w.name}.ts`)) as { handler: (event: unknown) => Promise<unknown> };
    registerLocalRunner(w.name, (event) => handler(event));
  }
}

/**
 * One gateway node, as a deployment of it would run in AWS: the HTTP API calling the handler
 * exports, and the scheduled functions (failover monitor, availability-group agent) started once a
 * minute, each looping inside its run. Call only after the process environment holds the node's
 * configuration: handler modules read it when first imported.
 */
export async function startNode(port: number, controls: LocalControls): Promise<GatewayNode> {
  const functions: Record<ApiFunction, HttpLambda> = {
    sessions: (await import('../functions/lambdas/sessions.js')).handler,
    workflows: (await import('../functions/lambdas/workflows.js')).handler,
    operations: (await import('../functions/lambdas/operations.js')).handler,
    ui: (await import('../functions/lambdas/ui.js')).handler,
    maintenance: (await import('../functions/lambdas/maintenance.js')).handler,
  };
  // Workflow code runs through each workflow's own runner entry, as the workflows function invokes it
  // in AWS (same process here: in AWS the boundary is each runner's own function, role and network).
  await registerLocalRunners();
  // /openapi.json: built from this code on first request (in AWS the CDK app writes it into the asset).
  const { serveOpenApiDocument } = await import('../functions/openapi/http/docs.js');
  const { currentOpenApi } = await import('../functions/wiring/openapi-document.js');
  serveOpenApiDocument(() => currentOpenApi(true));
  const monitor = (await import('../functions/lambdas/monitor.js')).handler as unknown as Background;
  const agent = (await import('../functions/lambdas/group-agent.js')).handler as unknown as Background;

  let api: LocalApiServer | undefined;
  let url = '';
  let stopped = true;
  const sleepers = new Set<() => void>();
  let loops: Promise<void>[] = [];

  const scheduled = (name: string, fn: Background) =>
    (async () => {
      while (!stopped) {
        const started = Date.now();
        await fn(
          {},
          lambdaContext(name, SCHEDULE_MS + 10_000, () => stopped),
        ).catch((err: unknown) => console.error(`${name} run failed`, err));
        const wait = started + SCHEDULE_MS - Date.now();
        if (wait > 0 && !stopped) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, wait);
            function done() {
              clearTimeout(timer);
              sleepers.delete(done);
              resolve();
            }
            sleepers.add(done);
          });
        }
      }
    })();

  const node: GatewayNode = {
    get url() {
      return url;
    },
    get running() {
      return !stopped;
    },
    probe: async () => void (await monitor({ mode: 'once' }, lambdaContext('gateway-monitor', 10_000))),
    start: async () => {
      if (!stopped) return;
      stopped = false;
      // Join (or create) the group before serving, so the node knows its role from its first request.
      await agent({ mode: 'once' }, lambdaContext('gateway-group-agent', 10_000)).catch(() => undefined);
      api = await new LocalApiServer(functions, controls, process.env.NODE_ID).listen(port);
      url = api.url;
      port = Number(new URL(url).port); // come back on the same port after a stop
      loops = [scheduled('gateway-monitor', monitor), scheduled('gateway-group-agent', agent)];
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await api?.close();
      await Promise.all(loops);
    },
  };
  return node;
}
