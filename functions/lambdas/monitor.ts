import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runMonitor, type MonitorEvent } from '../monitor/monitor-run.js';
import { gatewayDeps } from '../wiring/gateway.js';
import { monitorHistory } from '../wiring/monitor-history.js';
import { loadServiceSecret } from '../wiring/secrets.js';

export type { MonitorEvent };

let recordHistory: ReturnType<typeof monitorHistory> | undefined;

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
    recordHistory ??= monitorHistory();
    return runMonitor({ monitor, config, recordHistory }, event, () => context.getRemainingTimeInMillis());
  });
