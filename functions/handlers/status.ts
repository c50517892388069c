import { gatewayDeps } from '../commons/deps.js';
import { json } from '../commons/http.js';
import { initialState, type MonitorState } from '../domain/monitor-machine.js';
import { authenticate } from '../middleware/authenticate.js';
import { httpHandler } from './http-handler.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function statusBody(state: MonitorState) {
  return {
    primary_url: state.primaryUrl,
    monitoring_state: state.monitoringState,
    epoch: state.epoch,
    split_brain: state.splitBrain,
    failover_started_at: iso(state.failoverStartedAt),
    updated_at: iso(state.updatedAt),
    servers: Object.values(state.servers).map((s) => ({
      name: s.name,
      url: s.url,
      role: s.role,
      health: s.health,
      last_probe_time: iso(s.lastProbeAt),
      latency_ms: s.latencyMs,
      consecutive_failures: s.consecutiveFailures,
    })),
  };
}

/** GET /failover_monitoring/status: the monitor's view of the cluster. Answers during a failover too. */
export const handler = httpHandler()
  .use(authenticate(() => gatewayDeps().sessionService, { duringFailover: 'allow' }))
  .handler(async () => {
    const { monitorStore, config } = gatewayDeps();
    const state = (await monitorStore.get())?.state ?? initialState(config.servers, Date.now());
    return json(200, statusBody(state));
  });
