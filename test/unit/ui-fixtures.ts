import type { DashboardAnswer, DashServer, GroupNode } from '../../ui/src/types.js';

/** A combined dashboard read as the UI gets it: bam1 Primary, bam2 Standby, nodes a and b, at 12:00:00. */
export const NOW = Date.parse('2026-12-06T12:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function server(name: string, over: Partial<DashServer> = {}): DashServer {
  return {
    name,
    url: `http://${name}:8080`,
    role: name === 'bam1' ? 'PRIMARY' : 'STANDBY',
    reported_role: name === 'bam1' ? 'Primary' : 'Standby',
    health: 'UP',
    mode: 'ENABLED',
    last_probe_time: iso(NOW - 2000),
    latency_ms: 6,
    consecutive_failures: 0,
    last_failure: null,
    sessions: 0,
    failing_since: null,
    disabled_since: null,
    ...over,
  };
}

export const node = (id: string, over: Partial<GroupNode> = {}): GroupNode => ({
  node_id: id,
  node_role: id === 'a' ? 'primary' : 'secondary',
  url: null,
  joined: iso(NOW - 3_600_000),
  last_seen: iso(NOW - 1000),
  available: true,
  ...over,
});

export function answer(over: { status?: Partial<DashboardAnswer['status']>; nodes?: GroupNode[]; admin?: boolean } = {}): DashboardAnswer {
  return {
    now: iso(NOW),
    probe_interval_ms: 2000,
    stale_after_ms: 16_000,
    session: {
      username: 'op',
      session_id: 's',
      target: 'primary-address-manager',
      bound_server: 'bam1',
      restorable: true,
      created_at: iso(NOW),
      expires_at: iso(NOW),
      admin: over.admin ?? true,
      permissions: [],
      monitoring_state: 'MONITORING',
      csrf_token: 't',
    },
    status: {
      primary_url: 'http://bam1:8080',
      monitoring_state: 'MONITORING',
      epoch: 1,
      split_brain: false,
      failover_started_at: null,
      switchover: null,
      updated_at: iso(NOW - 3000),
      servers: [server('bam1'), server('bam2')],
      split_brain_servers: [],
      last_primary: 'bam1',
      fenced: [],
      ...over.status,
    },
    group: { visible: true, in_group: true, epoch: 1, primary_node: 'a', nodes: over.nodes ?? [node('a'), node('b')] },
    events: { events: [], cursor: null, truncated: false },
  };
}
