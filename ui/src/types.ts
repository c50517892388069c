/** Answers of the gateway's API, as the pages read them. */
export interface ServerStatus {
  name: string;
  url: string;
  role: string;
  reported_role: string | null;
  health: string;
  mode: string;
  last_probe_time: string | null;
  latency_ms: number | null;
  consecutive_failures: number;
  last_failure: string | null;
}

export interface MonitorStatus {
  primary_url: string | null;
  monitoring_state: string;
  epoch: number;
  split_brain: boolean;
  failover_started_at: string | null;
  updated_at: string | null;
  servers: ServerStatus[];
}

export interface SessionCounts {
  servers: { name: string; mode: string; sessions: number }[];
}

export interface GroupView {
  epoch: number | null;
  primary_node: string | null;
  nodes: { node_id: string; node_role: string; url: string | null; joined: string | null; last_seen: string | null; available: boolean }[];
}
