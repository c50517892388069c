import { json } from '../../kernel/http.js';
import { initialState, type MonitorState } from '../domain/monitor-machine.js';
import { authOf, type AuthContext as RouteContext } from '../../kernel/http-route.js';

/** The status route reads the monitor state its caller's authentication already read. */
type AuthContext = RouteContext<{ monitor: MonitorState | undefined }>;
import { switchoverStatus } from '../domain/switchover-status.js';
import type { Route } from '../../kernel/http-route.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The status answer. Servers come in the configured order (BAM_SERVERS): DynamoDB keeps no map
 * order, so the stored map's order means nothing; a server no longer configured comes last.
 */
export function statusBody(state: MonitorState, configuredOrder: string[] = []) {
  const rank = (name: string) => (configuredOrder.includes(name) ? configuredOrder.indexOf(name) : configuredOrder.length);
  return {
    primary_url: state.primaryUrl,
    monitoring_state: state.monitoringState,
    epoch: state.epoch,
    split_brain: state.splitBrain,
    failover_started_at: iso(state.failoverStartedAt),
    switchover: switchoverStatus(state),
    updated_at: iso(state.updatedAt),
    servers: Object.values(state.servers)
      .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
      .map((s) => ({
        name: s.name,
        url: s.url,
        role: s.role,
        // What BAM itself said (Standalone is shown as role PRIMARY: it serves the API, docs/failover.md).
        reported_role: s.reportedRole ?? null,
        probe_source: s.probeSource ?? null,
        last_failure: s.lastFailure ?? null,
        // Kept once the server answers again: a short outage that was no failover still shows here.
        last_failure_at: iso(s.lastFailureAt ?? null),
        outages: s.outages ?? 0,
        health: s.health,
        mode: s.mode ?? 'ENABLED',
        last_probe_time: iso(s.lastProbeAt),
        latency_ms: s.latencyMs,
        consecutive_failures: s.consecutiveFailures,
      })),
  };
}

/** GET /failover_monitoring/status: the monitor's view of the cluster. Answers during a failover too. */
export function statusRoute(servers: () => { name: string; url: string }[]): Route<AuthContext> {
  return {
    auth: 'session-during-failover',
    handle: async (_event, context) => {
      // The state authenticate checked the session against: no second read.
      const state = authOf(context).monitor ?? initialState(servers(), Date.now());
      return json(
        200,
        statusBody(
          state,
          servers().map((s) => s.name),
        ),
      );
    },
  };
}
