import { documentClient } from '../adapters/dynamo.js';
import { DynamoHistoryStore } from '../adapters/history-store.js';
import { logger } from '../kernel/logger.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import { historyRecorder } from '../ui-api/history-recorder.js';
import { gatewayDeps } from './gateway.js';

/**
 * The recorder of this process's monitor, as the monitor handler uses it: the ring in the table,
 * the group as the monitor's own role check reads it (its cache: no extra read), errors logged.
 */
export function monitorHistory(): (state: MonitorState | undefined) => void {
  const { config, groupView } = gatewayDeps();
  const roleFreshMs = 2 * Math.max(config.group.healthReportMs, config.group.healthCheckMs);
  return historyRecorder({
    history: new DynamoHistoryStore(documentClient, config.tableName),
    ...(config.node ? { group: () => groupView.current(roleFreshMs), intervals: config.group } : {}),
    onError: (err) => logger.warn('history sample not kept', { error: (err as Error).message }),
  });
}
