import type { LocalControls } from './api-server.js';
import type { SimCluster } from './bam-sim/cluster.js';
import type { LocalEventBus } from './event-bus.js';
import type { NodeHandle } from './runtime.js';
import type { TableLink } from './table-link.js';
import type { GroupState, NodeRole } from '../functions/group/domain/group.js';
import type { MonitorState } from '../functions/monitor/domain/monitor-machine.js';

export interface ControlsContext {
  /** The simulated BAM cluster; undefined when BAM_SERVERS names real servers. */
  cluster: SimCluster | undefined;
  nodes: Map<string, NodeHandle>;
  /** Each node's link to the table, which a partition cuts (two nodes only). */
  links: { a: TableLink; b: TableLink } | undefined;
  grouped: boolean;
  bus: LocalEventBus;
  /** The table read directly: the controls answer whichever node is cut off. */
  tableView: { group: { get(): Promise<GroupState | undefined> }; monitor: { get(): Promise<{ state: MonitorState } | undefined> } };
  statusBody: (state: MonitorState) => unknown;
  roleOf: (group: GroupState | undefined, me: string) => NodeRole;
}

/**
 * The local runtime's controls under `/_local` (never deployed): stop, hang, start, promote,
 * restart and re-add a simulated BAM server, its latency, BAM's switchover pause, gateway nodes
 * (stop, start, partition, heal), the state at a glance, the events seen, the user manager.
 */
export function localControls(c: ControlsContext): LocalControls {
  const { cluster, nodes, links, grouped, bus, tableView, statusBody, roleOf } = c;
  return async (method, path, body, servingNode) => {
    if (path === '/_local/bam/switchover-pause' && method === 'POST') {
      if (!cluster) return notFound('No simulated BAM cluster runs (BAM_SERVERS is set).');
      const ms = msFrom(body);
      if (ms === undefined) return badMs();
      cluster.switchoverPauseMs = ms;
      return { status: 200, body: { switchover_pause_ms: ms } };
    }
    const latency = /^\/_local\/bam\/([^/]+)\/latency$/.exec(path);
    if (latency && method === 'POST') {
      const server = cluster?.servers.get(latency[1]!);
      if (!server) return notFound(`No simulated BAM server named ${latency[1]}.`);
      const ms = msFrom(body);
      if (ms === undefined) return badMs();
      server.latencyMs = ms;
      return { status: 200, body: { server: cluster!.snapshot().find((x) => x.name === server.name) } };
    }
    const bamControl = /^\/_local\/bam\/([^/]+)\/(stop|hang|start|promote|restart|readd)$/.exec(path);
    if (bamControl && method === 'POST') {
      if (!cluster) return notFound('No simulated BAM cluster runs (BAM_SERVERS is set).');
      const [, name, action] = bamControl as unknown as [string, string, 'stop' | 'hang' | 'start' | 'promote' | 'restart' | 'readd'];
      const server = cluster.servers.get(name);
      if (!server) return notFound(`No simulated BAM server named ${name}.`);
      if (action === 'stop') await server.stop();
      else if (action === 'start') await server.start();
      else if (action === 'hang') server.hang();
      else if (action === 'restart') await server.restart();
      else {
        // promote: BAM refuses it on a Primary or Standalone; readd: the operator's step after a failover.
        const refusal = action === 'promote' ? cluster.promote(name) : cluster.readd(name);
        if (refusal) return { status: 409, body: { code: 'Conflict', message: refusal, status: 409 } };
      }
      return { status: 200, body: { server: cluster.snapshot().find((s) => s.name === name) } };
    }
    const nodeControl = /^\/_local\/nodes\/([^/]+)\/(stop|start|partition|heal)$/.exec(path);
    if (nodeControl && method === 'POST') {
      const node = nodes.get(nodeControl[1]!);
      if (!node) return notFound(`No gateway node ${nodeControl[1]}${grouped ? '' : ' (this stack runs a single node: start it with two)'}.`);
      if (nodeControl[2] === 'partition' || nodeControl[2] === 'heal') {
        const link = links?.[node.id as 'a' | 'b'];
        if (!link) return notFound('Partitions need the availability group (two nodes).');
        link.cut = nodeControl[2] === 'partition';
        return { status: 200, body: { node: { id: node.id, url: node.url, running: node.running, partitioned: link.cut } } };
      }
      if (nodeControl[2] === 'stop' && node.id === servingNode) {
        // A node asked to stop itself: answer first, or stopping would cut this very reply.
        setTimeout(() => void node.stop(), 50);
        return { status: 202, body: { node: { id: node.id, url: node.url, running: false }, message: `Node ${node.id} is stopping.` } };
      }
      await node[nodeControl[2] as 'stop' | 'start']();
      return { status: 200, body: { node: { id: node.id, url: node.url, running: node.running } } };
    }
    if (path === '/_local/state' && method === 'GET') {
      const state = (await tableView.monitor.get())?.state;
      const group = await tableView.group.get();
      return {
        status: 200,
        body: {
          cluster: cluster?.snapshot() ?? null,
          monitoring: state ? statusBody(state) : null,
          nodes: [...nodes.values()].map((n) => ({ id: n.id, url: n.url, running: n.running, partitioned: n.partitioned, role: grouped ? roleOf(group, n.id).toLowerCase() : 'not_in_group' })),
        },
      };
    }
    if (path === '/_local/events' && method === 'GET') return { status: 200, body: { events: bus.recent() } };
    if (path === '/_local/user-manager' && method === 'POST') return (await import('./user-manager-control.js')).userManagerControl(body);
    return notFound(`No local control ${method} ${path}.`);
  };
}

const notFound = (message: string) => ({ status: 404, body: { code: 'NotFound', message, status: 404 } });

/** `{"ms": N}` with N a whole number of milliseconds from 0 to 60000, or undefined. */
function msFrom(body: string): number | undefined {
  let ms: unknown;
  try {
    ms = (JSON.parse(body || '{}') as { ms?: unknown }).ms;
  } catch {
    return undefined;
  }
  return Number.isInteger(ms) && (ms as number) >= 0 && (ms as number) <= 60_000 ? (ms as number) : undefined;
}

const badMs = () => ({ status: 400, body: { code: 'BadRequest', message: 'Send {"ms": N}, a whole number of milliseconds from 0 to 60000.', status: 400 } });
