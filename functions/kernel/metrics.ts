import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics as embedded-metric-format log lines (no API calls). The CDK alarms read
 * them: FailoverInProgress (1 while no Primary is confirmed) and MonitorRoundErrors.
 * Local mode sets POWERTOOLS_METRICS_DISABLED.
 */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'FailoverGateway', serviceName: 'failover-gateway' });
export { MetricUnit };
