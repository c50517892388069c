import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { apiFunctions, routes, type ApiFunction } from '../functions/routes.js';
import { subscriptions } from '../functions/subscriptions.js';
import { subscribe } from './subscribe.js';
import type { GatewaySettings } from './settings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface GatewayStackProps extends StackProps {
  settings: GatewaySettings;
}

/**
 * The gateway in AWS: an HTTP API whose routes come from functions/routes.ts, one Lambda per
 * handler, the single DynamoDB table, the event bus, and the monitor on a one-minute schedule.
 */
export class GatewayStack extends Stack {
  readonly table: dynamodb.Table;
  readonly api: HttpApi;
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const s = props.settings;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${id}-events` });

    // Operators put the service user's password here after deploying (README "Deploying").
    const secret = new secrets.Secret(this, 'ServiceSecret', {
      description: 'Failover Gateway: BAM service user password and credential-encryption key',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ serviceUsername: s.serviceUsername, servicePassword: 'set-me' }),
        generateStringKey: 'credentialSeed',
      },
    });

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      EVENT_BUS_NAME: this.bus.eventBusName,
      GATEWAY_SECRET_ARN: secret.secretArn,
      BAM_SERVERS: s.bamServers,
      BAM_API_VERSION: s.bamApiVersion,
      MONITOR_PROBE_INTERVAL_MS: String(s.probeIntervalMs),
      MONITOR_PROBE_TIMEOUT_MS: String(s.probeTimeoutMs),
      MONITOR_FAILURES_BEFORE_FAILOVER: String(s.failuresBeforeFailover),
      ...(s.nodeId ? { NODE_ID: s.nodeId } : {}),
      HEALTH_REPORT_INTERVAL_MS: String(s.healthReportIntervalMs),
      HEALTH_CHECK_INTERVAL_MS: String(s.healthCheckIntervalMs),
      ALLOWED_ABSENCE_INTERVAL_MS: String(s.allowedAbsenceIntervalMs),
      POWERTOOLS_SERVICE_NAME: 'failover-gateway',
    };

    /** One Lambda; `entry` is its module below functions/. */
    const fn = (id: string, entry: string, timeout: Duration, memorySize = 256) => {
      const f = new NodejsFunction(this, `${id}Function`, {
        entry: path.join(root, 'functions', `${entry}.ts`),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize,
        timeout,
        environment,
        logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        bundling: {
          minify: true,
          sourceMap: false,
          format: OutputFormat.ESM,
          target: 'node22',
          externalModules: ['@aws-sdk/*'],
          // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
          banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
        },
      });
      this.table.grantReadWriteData(f);
      this.bus.grantPutEventsTo(f);
      secret.grantRead(f);
      return f;
    };

    this.api = new HttpApi(this, 'Api', { apiName: `${id}-api`, createDefaultStage: true });
    const integrations = new Map<ApiFunction, HttpLambdaIntegration>();
    for (const name of apiFunctions) integrations.set(name, new HttpLambdaIntegration(`${pascal(name)}Integration`, fn(`Api${pascal(name)}`, `api/${name}`, Duration.seconds(29))));
    for (const r of routes) {
      const [method, routePath] = r.routeKey.split(' ');
      new HttpRoute(this, `Route${pascal(r.routeKey)}`, {
        httpApi: this.api,
        routeKey: r.routeKey === '$default' ? HttpRouteKey.DEFAULT : HttpRouteKey.with(routePath!, method as HttpMethod),
        integration: integrations.get(r.fn)!,
      });
    }

    // The monitor probes in a loop until ~4 s before its timeout; with 70 s, consecutive runs overlap
    // by a few seconds instead of leaving a gap without probes (overlap is safe: conditional writes).
    // It waits on the network almost all the time, so it gets the smallest memory size.
    const monitor = fn('Monitor', 'handlers/monitor', Duration.seconds(70), 128);
    new events.Rule(this, 'MonitorSchedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(monitor, { retryAttempts: 0 })],
    });

    if (s.nodeId) {
      // This deployment is a node of an availability group: its agent heartbeats or watches.
      const agent = fn('GroupAgent', 'handlers/group-agent', Duration.seconds(70), 128);
      new events.Rule(this, 'GroupAgentSchedule', {
        schedule: events.Schedule.rate(Duration.minutes(1)),
        targets: [new targets.LambdaFunction(agent, { retryAttempts: 0 })],
      });
    }

    // Subscribers (functions/subscriptions.ts): a rule with the shared pattern, retries and a dead-letter queue each.
    for (const sub of subscriptions) {
      const handler = fn(`Subscriber${sub.id}`, `subscribers/${sub.handler}`, Duration.seconds(30), 128);
      subscribe(this, sub.id, { bus: this.bus, pattern: sub.pattern, target: (o) => new targets.LambdaFunction(handler, o) });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'ServiceSecretArn', { value: secret.secretArn });
  }
}

const pascal = (s: string) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()) || 'Default';
