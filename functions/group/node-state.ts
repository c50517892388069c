import { roleOf, type GroupIntervals, type GroupState } from './domain/group.js';

const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

/** BlueCat's node state (`get_node_state()` and `GET /ag/api/v1/state`), roles in lower case as BlueCat writes them. */
export interface NodeState {
  node_id: string | null;
  node_role: 'primary' | 'secondary' | 'not_in_group';
  primary_node: string | null;
  epoch: number | null;
  /** When the Primary last heartbeated (its clock), and how the heartbeat is exchanged. */
  last_heartbeat_time: string | null;
  heartbeat_method: 'shared-table' | null;
  last_updated: string | null;
}

export function nodeState(state: GroupState | undefined, nodeId: string | undefined): NodeState {
  const role = nodeId ? roleOf(state, nodeId) : 'NOT_IN_GROUP';
  const inGroup = role !== 'NOT_IN_GROUP';
  return {
    node_id: nodeId ?? null,
    node_role: role.toLowerCase() as NodeState['node_role'],
    primary_node: inGroup ? (state?.primary ?? null) : null,
    epoch: inGroup ? (state?.epoch ?? null) : null,
    last_heartbeat_time: inGroup ? iso(state?.lastHeartbeatAt) : null,
    heartbeat_method: inGroup ? 'shared-table' : null,
    last_updated: inGroup ? iso(state?.updatedAt) : null,
  };
}

/** `GET /ag/api/v1/group`: every member, with the intervals in seconds as BlueCat names them. */
export function groupView(state: GroupState | undefined, iv: GroupIntervals, now: number) {
  return {
    epoch: state?.epoch ?? null,
    primary_node: state?.primary ?? null,
    health_report_interval: iv.healthReportMs / 1000,
    health_check_interval: iv.healthCheckMs / 1000,
    allowed_absence_interval: iv.allowedAbsenceMs / 1000,
    nodes: Object.values(state?.members ?? {})
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((m) => ({
        node_id: m.id,
        node_role: roleOf(state, m.id).toLowerCase(),
        url: m.url,
        joined: iso(m.joinedAt),
        last_seen: iso(m.lastSeen),
        available: now - m.lastSeen <= iv.allowedAbsenceMs,
      })),
  };
}
