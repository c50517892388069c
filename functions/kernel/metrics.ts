import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics as embedded-metric-format log lines (no API calls). The CDK alarms read
 * them: FailoverInProgress (1 while no Primary is confirmed) and MonitorRoundErrors.
 * Powertools reads its namespace from POWERTOOLS_METRICS_NAMESPACE (the CDK stack sets it);
 * local mode sets POWERTOOLS_METRICS_DISABLED.
 */
export const metrics = new Metrics({ serviceName: 'failover-gateway' });
export { MetricUnit };
