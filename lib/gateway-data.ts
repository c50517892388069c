import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { subscriptions } from '../functions/lambdas/subscriptions.js';
import { SESSIONS_BY_SERVER_INDEX, SESSIONS_BY_SERVER_PROJECTION, SESSIONS_BY_USER_INDEX, SESSIONS_BY_USER_PROJECTION } from '../functions/adapters/session-index.js';
import { EVENT_LOG_PK } from '../functions/adapters/event-log-store.js';
import { GatewayFunction } from './gateway-function.js';
import { subscribe } from './subscribe.js';
import { dnsSubscriber } from './dns-subscriber.js';
import { expiredItemSweeper, globalTable } from './global-table.js';
import { credentialKeyPolicy } from './credential-key-policy.js';
import type { EventPattern } from '../functions/events/domain/event-patterns.js';

export interface GatewayDataProps {
  serviceUsername: string;
  /** IAM role names of the functions that may use the credential key (named in its key policy). */
  keyUserRoleNames: string[];
  /** A CloudFront edge fronts the API: create the secret it sends to the origin (lib/edge.ts). */
  originVerify?: boolean;
  /** Deploy the DNS subscriber (functions/lambdas/subscribers/dns-follows-primary.ts) for this zone and name. */
  dns?: { hostedZoneId: string; recordName: string; nodeIds: string[] };
  /**
   * A two-region group: the table is an MRSC global table with a replica in `replica` and a witness
   * in `witness`; the key is multi-Region and the secrets are replicated there (lib/two-region.ts).
   */
  regions?: { replica: string; witness: string };
}

/**
 * What a node's functions use of the shared data, as references: GatewayData in one region, or the
 * regional view of the two-region data (lib/two-region.ts: the table's replica, replicated secrets
 * and key, and the region's own bus).
 */
export interface GatewayDataRefs {
  readonly table: { readonly tableName: string; readonly tableArn: string };
  readonly bus: events.IEventBus;
  readonly secret: secrets.ISecret;
  readonly credentialKey: { readonly keyArn: string };
  readonly tenantTokenKey: secrets.ISecret;
  readonly originVerifySecret?: secrets.ISecret;
  readonly deadLetterAlarms: cloudwatch.Alarm[];
}

/**
 * What every node of the gateway shares: the table (sessions, monitor state, group state,
 * permissions), the event bus and its subscribers, the service-credential secret and the KMS key
 * that protects BAM credentials at rest.
 */
export class GatewayData extends Construct {
  readonly table: dynamodb.Table | dynamodb.TableV2;
  readonly bus: events.EventBus;
  readonly secret: secrets.Secret;
  /** The value CloudFront sends as `x-origin-verify`; only the API functions read it. Absent without an edge. */
  readonly originVerifySecret?: secrets.Secret;
  readonly credentialKey: kms.Key;
  /** Signs tenant tokens (docs/maintenance.md); the maintenance function reads it (TENANT_TOKEN_SECRET_ARN). */
  readonly tenantTokenKey: secrets.Secret;
  readonly deadLetterAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: GatewayDataProps) {
    super(scope, id);
    if (props.regions) {
      const table = globalTable(this, props.regions);
      expiredItemSweeper(this, table); // MRSC has no TTL
      this.table = table;
    } else this.table = singleRegionTable(this);
    this.bus = new events.EventBus(this, 'Bus');
    this.credentialKey = new kms.Key(this, 'CredentialKey', {
      description: 'Failover Gateway: wraps the data key that encrypts BAM credentials at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Two regions: a multi-Region key, so the replica region unwraps the same data key without this one.
      ...(props.regions ? { multiRegion: true } : {}),
      policy: credentialKeyPolicy(this, props.keyUserRoleNames, props.regions?.replica),
    });
    // Two regions: each secret has a replica in the other region (same name and value), read there.
    const replicated = props.regions ? { replicaRegions: [{ region: props.regions.replica }] } : {};
    // Operators put the service user's password here after deploying (docs/deploying.md, "After the first deploy: the secret").
    this.secret = new secrets.Secret(this, 'ServiceSecret', {
      description: 'Failover Gateway: BAM failover-monitoring service credentials',
      generateSecretString: { secretStringTemplate: JSON.stringify({ serviceUsername: props.serviceUsername }), generateStringKey: 'servicePassword' },
      ...replicated,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is the BAM service user\'s password, which BAM owns: it is rotated in BAM and then written here (docs/operating.md, "Rotating the service password"); a rotation Lambda cannot change it in BAM.',
    });
    // Generated, never typed: HS256 key material for tenant tokens (SHA-256 of it is the key).
    this.tenantTokenKey = new secrets.Secret(this, 'TenantTokenKey', {
      description: 'Failover Gateway: signs the tenant tokens of the maintenance API (npm run user-manager)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      ...replicated,
    });
    Validations.of(this.tenantTokenKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the key invalidates every tenant token at once; it is random, never leaves AWS, and is renewed by replacing the secret (all tokens must then be created again).',
    });
    if (props.originVerify) {
      // Generated, never typed by an operator: proves a request came through CloudFront (and its WAF).
      this.originVerifySecret = new secrets.Secret(this, 'OriginVerifySecret', {
        description: 'Failover Gateway: header value CloudFront sends to the API, so direct calls around the WAF are refused',
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        ...replicated,
      });
      Validations.of(this.originVerifySecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating it needs CloudFront and every API function to switch at once (a deploy reads it into the distribution); it is random, never leaves AWS, and is renewed by replacing the secret and redeploying.',
      });
    }

    this.deadLetterAlarms.push(...addSubscribers(this, this.bus, this.table, props.dns));
  }
}

/** The table in one region (TTL on `ttl`; both session indexes). */
function singleRegionTable(scope: Construct): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'ttl',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
  // Admins list and revoke a user's sessions (functions/adapters/session-store.ts); never the credential.
  table.addGlobalSecondaryIndex({
    indexName: SESSIONS_BY_USER_INDEX,
    partitionKey: { name: 'sessionUser', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: SESSIONS_BY_USER_PROJECTION,
  });
  // The maintenance API counts each host's live sessions (functions/maintenance/session-count.ts).
  table.addGlobalSecondaryIndex({
    indexName: SESSIONS_BY_SERVER_INDEX,
    partitionKey: { name: 'boundServer', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'expiresAt', type: dynamodb.AttributeType.NUMBER },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: SESSIONS_BY_SERVER_PROJECTION,
  });
  return table;
}

/**
 * Subscribers on a bus (functions/subscriptions.ts, and the DNS subscriber when configured): a rule
 * with the shared pattern, retries and a dead-letter queue each, and an alarm on its dead letters.
 */
export function addSubscribers(
  scope: Construct,
  bus: events.IEventBus,
  table: { readonly tableName: string; readonly tableArn: string },
  dns?: { hostedZoneId: string; recordName: string; nodeIds: string[] },
): cloudwatch.Alarm[] {
  const handlers: { sub: { id: string; pattern: EventPattern }; fn: GatewayFunction }[] = subscriptions.map((sub) => {
    const fn = new GatewayFunction(scope, `Subscriber${sub.id}`, {
      entry: `lambdas/subscribers/${sub.handler}`,
      timeout: Duration.seconds(30),
      memorySize: 128,
      environment: sub.table ? { TABLE_NAME: table.tableName } : {},
    });
    // A recording subscriber writes only its own items (the EVENTS partition), never reads.
    if (sub.table === 'write') fn.allow(['dynamodb:PutItem'], [table.tableArn], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [EVENT_LOG_PK] } });
    return { sub, fn };
  });
  if (dns) handlers.push(dnsSubscriber(scope, dns, table));
  return handlers.map(({ sub, fn }) => {
    const s = subscribe(scope, sub.id, { bus, pattern: sub.pattern, target: (o) => new targets.LambdaFunction(fn.fn, o) });
    return new cloudwatch.Alarm(scope, `${sub.id}DeadLettersAlarm`, {
      alarmDescription: `Events for subscriber ${sub.id} could not be delivered after every retry: they wait in its dead-letter queue.`,
      metric: s.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  });
}
