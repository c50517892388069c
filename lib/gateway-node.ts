import { Annotations, type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as triggers from 'aws-cdk-lib/triggers';
import { HttpApi, type HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { apiFunctions, type ApiFunction } from '../functions/kernel/route-table.js';
import { routes } from '../functions/wiring/all-routes.js';
import { workflowManifest } from '../functions/workflows/manifest.js';
import { EVENT_SOURCE } from '../functions/events/domain/events.js';
import { SESSIONS_BY_SERVER_INDEX, SESSIONS_BY_USER_INDEX } from '../functions/adapters/session-index.js';
import { EVENT_LOG_PK } from '../functions/adapters/event-log-store.js';
import { TENANT_TOKENS_PK } from '../functions/adapters/tenant-token-store.js';
import type { GatewayDataRefs } from './gateway-data.js';
import { docsFiles, dropRedundantDependencies, GatewayFunction } from './gateway-function.js';
import type { GatewaySettings } from './settings.js';
import type { GatewayNetwork } from './network.js';

export const METRICS_NAMESPACE = 'FailoverGateway';

export interface GatewayNodeProps {
  data: GatewayDataRefs;
  settings: GatewaySettings;
  /** The region's VPC (lib/network.ts): the functions that talk to BAM run in it. Absent: no VPC configured. */
  network?: GatewayNetwork | undefined;
}

const TABLE_READS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];

/**
 * Which events each function may put on the bus (IAM conditions on source and detail-type): only
 * the component that owns an event publishes it. Monitor rounds that run inside the API functions
 * (request-triggered probes) leave their events in the outbox for the monitor function.
 */
const PUBLISHES: Record<string, string[]> = {
  Monitor: ['NODE_ROLE_CHANGED', 'MONITORING_STATE_CHANGED', 'SPLIT_BRAIN_DETECTED'],
  GroupAgent: ['NODE_ROLE_CHANGED'],
  // The manual group failover (PUT /ag/api/v1/failover) publishes the role changes it made.
  ApiOperations: ['NODE_ROLE_CHANGED'],
  ApiMaintenance: ['BACKEND_HOST_MODE_CHANGED', 'CONFIGURATION_ACTIVATED'],
};
const TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * Which items (by partition key, see functions/adapters/dynamo.ts) each function may write. Every
 * API function may probe (MONITOR); only sessions creates the credential data key (CONFIG), the
 * others only read it. Custom workflow code runs in each workflow's own runner, which writes nothing.
 */
const WRITES = {
  sessions: ['SESSION#*', 'MONITOR', 'CONFIG', 'THROTTLE#*'],
  workflows: ['SESSION#*', 'MONITOR'],
  operations: ['SESSION#*', 'MONITOR', 'PERMISSION#*', 'MEMBER#*', 'GROUP'],
  ui: ['SESSION#*', 'MONITOR'],
  // The maintenance API writes its configuration (with its history and outbox) and REST sessions only.
  maintenance: ['AIRLOCK#CONFIG', 'AIRLOCK#SESSION#*'],
  monitor: ['MONITOR'],
  agent: ['GROUP'],
};

/**
 * Which items (by partition key) each function may read, from the code: the stores each one uses
 * (functions/adapters/*-store.ts), checked against the keys every function read in the integration
 * suite. The group agent reads its state only; the maintenance API never reads throttle counters
 * or the credential data key; only the ui function reads the event timeline. A new kind of
 * item needs its prefix here (and in WRITES) for the functions that use it.
 */
const READS: Record<keyof typeof WRITES, string[]> = {
  // PERMISSION#SETTINGS: a user's own session lifetime, read at login.
  sessions: ['SESSION#*', 'MONITOR', 'CONFIG', 'THROTTLE#*', 'AIRLOCK#CONFIG', 'PERMISSION#SETTINGS'],
  workflows: ['SESSION#*', 'MONITOR', 'CONFIG', 'PERMISSION#*', 'MEMBER#*', 'GROUP', 'AIRLOCK#CONFIG'],
  operations: ['SESSION#*', 'MONITOR', 'CONFIG', 'PERMISSION#*', 'MEMBER#*', 'GROUP', 'AIRLOCK#CONFIG'],
  // The web UI's reads: the operators' view, and the event timeline.
  ui: ['SESSION#*', 'MONITOR', 'CONFIG', 'PERMISSION#*', 'MEMBER#*', 'GROUP', 'AIRLOCK#CONFIG', EVENT_LOG_PK],
  maintenance: ['AIRLOCK#CONFIG', 'AIRLOCK#SESSION#*', 'SESSION#*', 'PERMISSION#*', 'MEMBER#*', 'MONITOR', 'GROUP', TENANT_TOKENS_PK],
  monitor: ['MONITOR', 'CONFIG', 'AIRLOCK#CONFIG', 'GROUP'],
  agent: ['GROUP'],
};

/** Environment only some functions get: the data-key creator flag, and where the workflow runner is. */
const EXTRA_ENV: Partial<Record<ApiFunction, (runners: Map<string, GatewayFunction>, stack: Stack) => Record<string, string>>> = {
  sessions: () => ({ CREDENTIAL_KEY_CREATOR: 'true' }),
  workflows: (runners, stack) => ({
    WORKFLOW_RUNNERS: stack.toJsonString(Object.fromEntries([...runners].map(([name, r]) => [name, r.fn.functionName]))),
    WORKFLOW_TIMEOUT_MS: String(RUNNER_TIMEOUT.toMilliseconds()),
  }),
};

/** A workflow runner's time: under the workflows function's 29 s, which answers 504 when it is up. */
const RUNNER_TIMEOUT = Duration.seconds(25);

/**
 * The functions that read the service secret and unwrap the credential key; the KMS key policy
 * names exactly their roles (lib/gateway-data.ts). The group agent needs neither.
 */
export const KEY_USERS = ['ApiSessions', 'ApiWorkflows', 'ApiOperations', 'ApiUi', 'Monitor'];

/**
 * The functions that talk to BAM (read from the code: logins, workflow calls, the request-triggered
 * probes that the API functions run themselves, their warm-up request, the monitor's probes and the
 * Failover API). They run in the VPC when there is one; the maintenance API, the group agent and the
 * subscribers never call BAM and stay out. The workflow runner runs there too, with BAM alone.
 */
export const BAM_FACING = ['ApiSessions', 'ApiWorkflows', 'ApiOperations', 'ApiUi', 'Monitor'];

/** Functions that read the service secret (their configuration needs it) but never use the credential key. */
const SECRET_ONLY_USERS = ['ApiMaintenance'];

/**
 * One gateway deployment (a node): the HTTP API and its three functions, the scheduled monitor
 * (and group agent, in a group), their alarms and a dashboard. Each function gets only the
 * actions it uses, on the shared data's resources.
 */
export class GatewayNode extends Construct {
  readonly api: HttpApi;
  readonly functions = new Map<string, GatewayFunction>();
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GatewayNodeProps) {
    super(scope, id);
    const { data, settings: s } = props;
    if (!props.network) {
      Annotations.of(this).addWarningV2(
        'gateway:no-vpc',
        'The functions that talk to BAM run outside any VPC (BAM must then be reachable from the internet): give -c vpcId=... (docs/deploying.md) or -c createVpc=true.',
      );
    }
    const environment: Record<string, string> = {
      TABLE_NAME: data.table.tableName,
      EVENT_BUS_NAME: data.bus.eventBusName,
      GATEWAY_SECRET_ARN: data.secret.secretArn,
      CREDENTIAL_KMS_KEY_ID: data.credentialKey.keyArn,
      BAM_SERVERS: s.bamServers,
      BAM_API_VERSION: s.bamApiVersion,
      MONITOR_PROBE_INTERVAL_MS: String(s.probeIntervalMs),
      MONITOR_PROBE_TIMEOUT_MS: String(s.probeTimeoutMs),
      MONITOR_FAILURES_BEFORE_FAILOVER: String(s.failuresBeforeFailover),
      SWITCHOVER_BOUND_MS: String(s.switchoverBoundMs),
      SESSION_MAX_LIFETIME_SECONDS: String(s.sessionMaxLifetimeSeconds),
      HEALTH_REPORT_INTERVAL_MS: String(s.healthReportIntervalMs),
      HEALTH_CHECK_INTERVAL_MS: String(s.healthCheckIntervalMs),
      ALLOWED_ABSENCE_INTERVAL_MS: String(s.allowedAbsenceIntervalMs),
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      // Only the monitor function publishes monitor events (PUBLISHES): it sets this back to true.
      MONITOR_PUBLISHES_EVENTS: 'false',
      ...(s.nodeId ? { NODE_ID: s.nodeId } : {}),
      // Not secret; the client key comes from the gateway secret (failoverClientKey).
      ...(s.failover ? { BAM_FAILOVER_API: s.failover.api, BAM_FAILOVER_CLIENT_CERT: s.failover.clientCert, BAM_FAILOVER_CA: s.failover.ca } : {}),
    };
    const gatewayFunction = (fid: string, entry: string, timeout: Duration, keys: keyof typeof WRITES, memorySize?: number, extraEnv: Record<string, string> = {}, files?: Record<string, string>) => {
      const usesKey = KEY_USERS.includes(fid);
      const secretOnly = SECRET_ONLY_USERS.includes(fid);
      const { GATEWAY_SECRET_ARN, CREDENTIAL_KMS_KEY_ID, ...withoutSecrets } = environment;
      const env = usesKey ? environment : secretOnly && GATEWAY_SECRET_ARN ? { ...withoutSecrets, GATEWAY_SECRET_ARN } : withoutSecrets;
      const network = BAM_FACING.includes(fid) ? props.network?.bam : undefined;
      const f = new GatewayFunction(this, fid, { entry, timeout, environment: { ...env, ...extraEnv }, network, ...(memorySize ? { memorySize } : {}), ...(files ? { files } : {}) })
        .allow(TABLE_READS, [data.table.tableArn], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': READS[keys] } })
        .allow(TABLE_WRITES, [data.table.tableArn], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': WRITES[keys] } });
      const publishes = PUBLISHES[fid];
      if (publishes) f.allow(['events:PutEvents'], [data.bus.eventBusArn], { StringEquals: { 'events:source': EVENT_SOURCE, 'events:detail-type': publishes } });
      if (usesKey && GATEWAY_SECRET_ARN && CREDENTIAL_KMS_KEY_ID) {
        f.allow(['secretsmanager:GetSecretValue'], [data.secret.secretArn]).allow(['kms:Decrypt', 'kms:GenerateDataKey'], [data.credentialKey.keyArn]);
      }
      if (secretOnly && GATEWAY_SECRET_ARN) f.allow(['secretsmanager:GetSecretValue'], [data.secret.secretArn]);
      this.functions.set(fid, f);
      return f;
    };

    // The API: routes from functions/wiring/all-routes.ts, one Lambda per concern, access logs, throttling.
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new HttpApi(this, 'Api', { createDefaultStage: false, description: `Failover Gateway${s.nodeId ? ` node ${s.nodeId}` : ''}` });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: apigw.AccessLogFormat.jsonWithStandardFields() },
    });
    // Custom workflow code runs in one runner function per workflow module, each with its own role
    // (its log group only), its own execution environments and an environment naming no table,
    // secret or key. The workflows function sends each the one call it serves (docs/security.md).
    // In the VPC a runner may reach BAM and nothing else: no endpoint, so no AWS service either.
    const runners = new Map<string, GatewayFunction>();
    for (const w of workflowManifest.workflows) {
      const id = `WorkflowRunner-${w.name}`;
      const runner = new GatewayFunction(this, id, { entry: `lambdas/runners/${w.name}`, timeout: RUNNER_TIMEOUT, environment: {}, network: props.network?.bamOnly });
      runners.set(w.name, runner);
      this.functions.set(id, runner);
    }
    const integrations = new Map<ApiFunction, HttpLambdaIntegration>();
    for (const name of apiFunctions) {
      // operations serves the API reference page (/docs): swagger-ui's files travel in its asset.
      const f = gatewayFunction(
        `Api${name[0]!.toUpperCase()}${name.slice(1)}`,
        `lambdas/${name}`,
        Duration.seconds(29),
        name,
        undefined,
        EXTRA_ENV[name]?.(runners, Stack.of(this)),
        name === 'operations' ? docsFiles() : undefined,
      );
      if (name === 'workflows' && runners.size > 0)
        f.allow(
          ['lambda:InvokeFunction'],
          [...runners.values()].map((r) => r.fn.functionArn),
        );
      integrations.set(name, new HttpLambdaIntegration(`${name}Integration`, f.fn));
      // The admin API lists a user's sessions through one index; the web UI's session counts query the other.
      if (name === 'operations') f.allow(['dynamodb:Query'], [`${data.table.tableArn}/index/${SESSIONS_BY_USER_INDEX}`]);
      if (name === 'ui') f.allow(['dynamodb:Query'], [`${data.table.tableArn}/index/${SESSIONS_BY_SERVER_INDEX}`]);
      if (name === 'sessions') this.createCredentialKeyTrigger(f, props.network);
      // The maintenance API verifies tenant tokens (npm run user-manager) with the generated signing key.
      if (name === 'maintenance') {
        f.fn.addEnvironment('TENANT_TOKEN_SECRET_ARN', data.tenantTokenKey.secretArn);
        f.allow(['secretsmanager:GetSecretValue'], [data.tenantTokenKey.secretArn]);
        // Session counts per host (SESSIONS_BY_SERVER_INDEX): a Query, reading no credential.
        f.allow(['dynamodb:Query'], [`${data.table.tableArn}/index/${SESSIONS_BY_SERVER_INDEX}`]);
      }
    }
    for (const r of routes) {
      const [method, routePath] = r.routeKey.split(' ');
      const route = new HttpRoute(this, `Route ${r.routeKey}`, {
        httpApi: this.api,
        routeKey: r.routeKey === '$default' ? HttpRouteKey.DEFAULT : HttpRouteKey.with(routePath!, method as HttpMethod),
        integration: integrations.get(r.fn)!,
      });
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The gateway authenticates every route but /rest_login in its functions, with BlueCat-compatible session tokens (auth/Authorization headers or cookie) checked against DynamoDB; an API Gateway authorizer would repeat that lookup on every call.',
      });
    }

    // Scheduled functions: each run loops for most of a minute (see functions/lambdas/monitor.ts).
    const monitor = gatewayFunction('Monitor', 'lambdas/monitor', Duration.seconds(70), 'monitor', 128, { MONITOR_PUBLISHES_EVENTS: 'true' });
    new events.Rule(this, 'MonitorSchedule', { schedule: events.Schedule.rate(Duration.minutes(1)), targets: [new targets.LambdaFunction(monitor.fn, { retryAttempts: 0 })] });
    if (s.nodeId) {
      const agent = gatewayFunction('GroupAgent', 'lambdas/group-agent', Duration.seconds(70), 'agent', 128);
      // The node's URL in the group (what the DNS subscriber points the group's name at).
      agent.fn.addEnvironment('NODE_URL', this.api.apiEndpoint);
      new events.Rule(this, 'GroupAgentSchedule', { schedule: events.Schedule.rate(Duration.minutes(1)), targets: [new targets.LambdaFunction(agent.fn, { retryAttempts: 0 })] });
    }

    this.alarms.push(...this.createAlarms(monitor, s));
    this.dashboard = this.createDashboard(data, s);
  }

  /**
   * After each deployment that changes it, invoke the sessions function once (an empty payload, its
   * init event: functions/lambdas/init-event.ts) so the credential data key exists before the first
   * login, and no other function meets a missing key. A failed invocation fails the deployment.
   */
  private createCredentialKeyTrigger(sessions: GatewayFunction, network?: GatewayNetwork): void {
    // cdk-nag reports nothing on the trigger's CDK-managed provider (a plain CfnResource Lambda, with
    // AWSLambdaBasicExecutionRole and invoke rights on this function's versions only).
    // In a VPC the function reaches DynamoDB, KMS and Secrets Manager through the endpoints: after them.
    const trigger = new triggers.Trigger(this, 'CreateCredentialKey', { handler: sessions.fn, executeAfter: [sessions, ...(network ? [network] : [])], timeout: Duration.minutes(1) });
    // It names the function's version by Ref already.
    dropRedundantDependencies(trigger.node.defaultChild!.node.defaultChild as CfnResource, [sessions.fn.currentVersion.node.defaultChild as CfnResource]);
  }

  private createAlarms(monitor: GatewayFunction, s: GatewaySettings): cloudwatch.Alarm[] {
    const node = s.nodeId ? ` (node ${s.nodeId})` : '';
    const dims = { service: 'failover-gateway' };
    const failover = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'FailoverInProgress', dimensionsMap: dims, statistic: 'Maximum', period: Duration.minutes(1) });
    const roundErrors = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'MonitorRoundErrors', dimensionsMap: dims, statistic: 'Sum', period: Duration.minutes(5) });
    const backlog = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'OutboxBacklog', dimensionsMap: dims, statistic: 'Minimum', period: Duration.minutes(5) });
    // Both emitted by the monitor (docs/maintenance.md): a planned switchover that fell back to a failover, and
    // how long the host DISABLED the longest has been out of service.
    const switchoverTimedOut = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'SwitchoverTimedOut', dimensionsMap: dims, statistic: 'Sum', period: Duration.minutes(5) });
    const longestDisabled = new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'LongestDisabledHostSeconds', dimensionsMap: dims, statistic: 'Maximum', period: Duration.minutes(5) });
    const rate5xx = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: this.api.metricServerError({ period: Duration.minutes(5) }), requests: this.api.metricCount({ period: Duration.minutes(5) }) },
      label: '5xx %',
      period: Duration.minutes(5),
    });
    const alarm = (aid: string, description: string, metric: cloudwatch.IMetric, threshold: number, periods: number) =>
      new cloudwatch.Alarm(this, aid, {
        alarmDescription: description + node,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: periods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    return [
      alarm('MonitorErrorsAlarm', 'The failover monitor Lambda failed (see its log group).', monitor.fn.metricErrors({ period: Duration.minutes(5) }), 1, 1),
      alarm('MonitorRoundErrorsAlarm', 'Failover monitor rounds are failing (DynamoDB or EventBridge errors): failovers may go unnoticed.', roundErrors, 3, 1),
      alarm('FailoverTooLongAlarm', 'An Address Manager failover has been in progress for 5 minutes: promote a Standby, or check the cluster.', failover, 1, 5),
      alarm('Api5xxRateAlarm', 'More than 5% of API requests failed with a 5xx for 15 minutes.', rate5xx, 5, 3),
      alarm(
        'OutboxBacklogAlarm',
        'Events cannot be published to EventBridge: 20 or more have waited in the monitor outbox for 15 minutes. Fix the bus or its permissions before the state item fills.',
        backlog,
        20,
        3,
      ),
      alarm(
        'SwitchoverNotCompletedAlarm',
        'A planned switchover of the Primary did not complete within its bound and fell back to an unplanned failover: check GET /failover_monitoring/status and the Address Manager cluster.',
        switchoverTimedOut,
        1,
        1,
      ),
      alarm(
        'HostDisabledTooLongAlarm',
        `An Address Manager server has been DISABLED (maintenance) for ${s.disabledHostAlarmMinutes} minutes or more: finish the maintenance and enable it again through /airlock/rest, or raise -c disabledHostAlarmMinutes.`,
        longestDisabled,
        s.disabledHostAlarmMinutes * 60,
        1,
      ),
    ];
  }

  private createDashboard(data: GatewayDataRefs, s: GatewaySettings): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-gateway` });
    const fnMetrics = (m: (f: GatewayFunction) => cloudwatch.IMetric) => [...this.functions.values()].map(m);
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API requests, 4xx, 5xx', left: [this.api.metricCount(), this.api.metricClientError(), this.api.metricServerError()] }),
      new cloudwatch.GraphWidget({ title: 'API latency p95 (ms)', left: [this.api.metricLatency({ statistic: 'p95' }), this.api.metricIntegrationLatency({ statistic: 'p95' })] }),
      new cloudwatch.GraphWidget({
        title: 'Failover in progress (1 = yes)',
        left: [new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'FailoverInProgress', dimensionsMap: { service: 'failover-gateway' }, statistic: 'Maximum' })],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: fnMetrics((f) => f.fn.metricErrors()) }),
      new cloudwatch.GraphWidget({ title: 'Function duration p95 (ms)', left: fnMetrics((f) => f.fn.metricDuration({ statistic: 'p95' })) }),
      new cloudwatch.AlarmStatusWidget({ title: `Alarms${s.nodeId ? ` node ${s.nodeId}` : ''}`, alarms: [...this.alarms, ...data.deadLetterAlarms] }),
    );
    return dashboard;
  }
}
