/** Answers of the gateway's API, as the pages read them (plain types: the server's tests import some). */

/** GET /ui/api/session. */
export interface SessionInfo {
  username: string;
  session_id: string;
  target: string;
  bound_server: string;
  restorable: boolean;
  created_at: string;
  expires_at: string;
  admin: boolean;
  permissions: string[];
  monitoring_state: string;
  csrf_token: string;
}

export interface ServerStatus {
  name: string;
  url: string;
  role: string;
  reported_role: string | null;
  probe_source?: string | null;
  health: string;
  mode: string;
  last_probe_time: string | null;
  latency_ms: number | null;
  consecutive_failures: number;
  /** The last probe step that failed, as `step: class`. */
  last_failure: string | null;
}

/** A server as the combined read gives it: with its sessions and since when it fails. */
export interface DashServer extends ServerStatus {
  sessions: number | null;
  failing_since: string | null;
  disabled_since: string | null;
}

export interface SwitchoverInfo {
  state: 'IN_PROGRESS' | 'COMPLETED' | 'TIMED_OUT';
  from: string;
  target: string;
  startedAt: string;
  deadline?: string;
  endedAt?: string;
}

export interface MonitorStatus {
  primary_url: string | null;
  monitoring_state: string;
  epoch: number;
  split_brain: boolean;
  failover_started_at: string | null;
  switchover?: SwitchoverInfo | null;
  updated_at: string | null;
  servers: ServerStatus[];
}

export interface DashStatus extends MonitorStatus {
  servers: DashServer[];
  split_brain_servers: string[];
  last_primary: string | null;
  fenced: string[];
}

export interface GroupNode {
  node_id: string;
  node_role: string;
  url: string | null;
  joined: string | null;
  last_seen: string | null;
  available: boolean;
}

export interface GroupView {
  epoch: number | null;
  primary_node: string | null;
  allowed_absence_interval?: number;
  nodes: GroupNode[];
}

export type DashGroup = { visible: false } | { visible: true; in_group: false } | ({ visible: true; in_group: true } & GroupView);

export interface LoggedEvent {
  id: string;
  type: string;
  time: string;
  /** The event's place in the log, for "load more" and incremental reads. */
  cursor?: string;
  // biome-ignore lint/suspicious/noExplicitAny: event details differ per type; the labels read the fields they know
  detail: Record<string, any>;
}

export interface Sample {
  t: number;
  state: string;
  split_brain: boolean;
  servers: Record<string, { role: string; health: string; latency_ms: number | null; mode: string }>;
  nodes?: Record<string, { role: string; available: boolean }>;
}

/** GET /ui/api/dashboard. */
export interface DashboardAnswer {
  now: string;
  probe_interval_ms: number;
  stale_after_ms: number;
  session: SessionInfo;
  status: DashStatus;
  group: DashGroup;
  events: { events: LoggedEvent[]; cursor: string | null; truncated: boolean };
  failover_events?: LoggedEvent[];
  /** Samples as stored (history-codec.ts decodes them). */
  history?: { samples: unknown[]; cursor: number };
}
