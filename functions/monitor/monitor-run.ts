import { logger } from '../kernel/logger.js';
import { MetricUnit, metrics } from '../kernel/metrics.js';
import type { GatewayConfig } from '../kernel/gateway-config.js';
import type { MonitorState } from './domain/monitor-machine.js';
import type { FailoverMonitor } from './failover-monitor.js';
import { longestDisabledSeconds, newOutages, switchoversNotCompleted } from './monitor-metrics.js';

export interface MonitorEvent {
  /** `once`: a single probe round (an on-demand probe). Default: probe in a loop until shortly before the timeout. */
  mode?: 'once' | 'loop';
}

export interface MonitorRunDeps {
  monitor: Pick<FailoverMonitor, 'round' | 'loop' | 'state' | 'outboxBacklog'>;
  config: Pick<GatewayConfig, 'probe'>;
  /** The web UI's last hour: a sample of each round's state. */
  recordHistory: (state: MonitorState | undefined) => void;
}

/**
 * One run of the scheduled monitor: a single round (`once`), or rounds every probe interval until
 * `remainingMs()` runs low, reporting the alarms' metrics at most every 10 s.
 */
export async function runMonitor(deps: MonitorRunDeps, event: MonitorEvent | undefined, remainingMs: () => number): Promise<{ rounds: number }> {
  const { monitor, config, recordHistory } = deps;
  if (event?.mode === 'once') {
    await monitor.round();
    return { rounds: 1 };
  }
  const margin = config.probe.intervalMs + config.probe.timeoutMs + 500;
  let reportedAt = 0;
  // The alarm "failover in progress too long" reads this gauge; every 10 s is plenty for it.
  const report = () => {
    if (Date.now() - reportedAt < 10_000 || !monitor.state) return;
    reportedAt = Date.now();
    metrics.addMetric('FailoverInProgress', MetricUnit.Count, monitor.state.monitoringState === 'FAILOVER_IN_PROGRESS' ? 1 : 0);
    metrics.addMetric('OutboxBacklog', MetricUnit.Count, monitor.outboxBacklog);
    // The alarms on a planned switchover that fell back to a failover, and on a host left DISABLED.
    metrics.addMetric('SwitchoverTimedOut', MetricUnit.Count, switchoversNotCompleted(monitor.state));
    metrics.addMetric('LongestDisabledHostSeconds', MetricUnit.Seconds, longestDisabledSeconds(monitor.state, Date.now()));
    // Short outages that were no failover (a server that keeps answering between them) show here.
    metrics.addMetric('ServerOutages', MetricUnit.Count, newOutages(monitor.state));
    metrics.publishStoredMetrics();
  };
  const rounds = await monitor.loop(
    config.probe.intervalMs,
    () => {
      report();
      recordHistory(monitor.state);
      return remainingMs() > margin;
    },
    (err) => {
      logger.error('monitor round failed', { error: err as Error });
      metrics.addMetric('MonitorRoundErrors', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  );
  return { rounds };
}
