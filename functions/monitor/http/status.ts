import { gatewayDeps } from '../../wiring/gateway.js';
import { json } from '../../kernel/http.js';
import { initialState, type MonitorState } from '../domain/monitor-machine.js';
import { authenticate, authOf } from '../../sessions/authenticate.js';
import { switchoverStatus } from '../domain/switchover-status.js';
import { httpHandler } from '../../wiring/http-handler.js';

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
        // What BAM itself said (Standalone is shown as role PRIMARY: it serves the API, SPEC §5).
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
export const handler = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'allow' }))
  .handler(async (_event, context) => {
    const { config } = gatewayDeps();
    // The state authenticate checked the session against: no second read.
    const state = authOf(context).monitor ?? initialState(config.servers, Date.now());
    return json(
      200,
      statusBody(
        state,
        config.servers.map((s) => s.name),
      ),
    );
  });
