import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { gatewayDeps } from '../wiring/gateway.js';
import { logger } from '../kernel/logger.js';
import { loadServiceSecret } from '../wiring/secrets.js';
import { MetricUnit, metrics } from '../kernel/metrics.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import { monitorHistory } from '../wiring/monitor-history.js';

/** The web UI's last hour: a sample of each round's state (functions/ui-api/history-recorder.ts). */
let recordHistory: ReturnType<typeof monitorHistory> | undefined;

/** When this run started: switchovers that ended before it were counted by an earlier run. */
let countedUntil = Date.now();

/**
 * 1 when a planned switchover ended without completing (timed out or refused) since the last
 * report, read from the stored state: whichever process recorded it (often a request that held
 * calls), the alarm sees it.
 */
export function switchoversNotCompleted(state: MonitorState): number {
  const last = state.lastSwitchover;
  if (!last || last.at <= countedUntil) return 0;
  countedUntil = last.at;
  return last.outcome === 'completed' ? 0 : 1;
}

/** The outages counted per server when last reported: the metric is what was added since. */
const outagesReported = new Map<string, number>();

/**
 * Outages begun since the last report, from the stored counters (whichever process counted them):
 * each time a server stopped answering, even briefly and with no failover. The first report of a
 * run only takes note of where the counters stand.
 */
export function newOutages(state: MonitorState): number {
  let added = 0;
  for (const s of Object.values(state.servers)) {
    const n = s.outages ?? 0;
    const before = outagesReported.get(s.name);
    if (before !== undefined && n > before) added += n - before;
    outagesReported.set(s.name, n);
  }
  return added;
}

/** How long the longest-DISABLED host has been out (0 when none is). */
export function longestDisabledSeconds(state: MonitorState, now: number): number {
  const since = Object.values(state.servers).flatMap((s) => (s.mode === 'DISABLED' && s.disabledSince !== undefined ? [s.disabledSince] : []));
  return since.length ? Math.max(0, Math.round((now - Math.min(...since)) / 1000)) : 0;
}

export interface MonitorEvent {
  /** `once`: a single probe round (an on-demand probe). Default: probe in a loop until shortly before the timeout. */
  mode?: 'once' | 'loop';
}

/**
 * The failover monitor. The schedule starts it every minute; it probes every probe interval until
 * its remaining time runs low, so detection takes seconds, not a minute. Overlapping runs are
 * safe: every transition is a conditional write. It loads only the service credentials (probes log
 * in with them); the credential key is read when a new Primary needs a service session.
 */
export const handler = middy<MonitorEvent | undefined, { rounds: number }, Error, Context>()
  .before(loadServiceSecret)
  .handler(async (event, context) => {
    const { monitor, config } = gatewayDeps();
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
    recordHistory ??= monitorHistory();
    const rounds = await monitor.loop(
      config.probe.intervalMs,
      () => (report(), recordHistory!(monitor.state), context.getRemainingTimeInMillis() > margin),
      (err) => {
        logger.error('monitor round failed', { error: err as Error });
        metrics.addMetric('MonitorRoundErrors', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
      },
    );
    return { rounds };
  });
