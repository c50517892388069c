import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { subscriptions } from '../functions/subscriptions.js';
import { SESSIONS_BY_SERVER_INDEX, SESSIONS_BY_SERVER_PROJECTION, SESSIONS_BY_USER_INDEX, SESSIONS_BY_USER_PROJECTION } from '../functions/adapters/session-index.js';
import { EVENT_LOG_PK } from '../functions/adapters/event-log-store.js';
import { GatewayFunction } from './gateway-function.js';
import { subscribe } from './subscribe.js';

export interface GatewayDataProps {
  serviceUsername: string;
  /** IAM role names of the functions that may use the credential key (named in its key policy). */
  keyUserRoleNames: string[];
  /** A CloudFront edge fronts the API: create the secret it sends to the origin (lib/edge.ts). */
  originVerify?: boolean;
}

/** Managing the key (not using it): what the account keeps, so the key never becomes unmanageable. */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
  'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];

/**
 * What every node of the gateway shares: the table (sessions, monitor state, group state,
 * permissions), the event bus and its subscribers, the service-credential secret and the KMS key
 * that protects BAM credentials at rest.
 */
export class GatewayData extends Construct {
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly secret: secrets.Secret;
  /** The value CloudFront sends as `x-origin-verify`; only the API functions read it. Absent without an edge. */
  readonly originVerifySecret?: secrets.Secret;
  readonly credentialKey: kms.Key;
  /** Signs tenant tokens (SPEC §11); the maintenance function reads it (TENANT_TOKEN_SECRET_ARN). */
  readonly tenantTokenKey: secrets.Secret;
  readonly deadLetterAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: GatewayDataProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
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
    this.table.addGlobalSecondaryIndex({
      indexName: SESSIONS_BY_USER_INDEX,
      partitionKey: { name: 'sessionUser', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: SESSIONS_BY_USER_PROJECTION,
    });
    // The maintenance API counts each host's live sessions (functions/maintenance/session-count.ts).
    this.table.addGlobalSecondaryIndex({
      indexName: SESSIONS_BY_SERVER_INDEX,
      partitionKey: { name: 'boundServer', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'expiresAt', type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: SESSIONS_BY_SERVER_PROJECTION,
    });
    this.bus = new events.EventBus(this, 'Bus');
    this.credentialKey = new kms.Key(this, 'CredentialKey', {
      description: 'Failover Gateway: wraps the data key that encrypts BAM credentials at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // No account-wide kms:* : the account administers the key; only the named function roles use it
      // (named by ARN pattern in a condition: the roles may live in node stacks deployed after this one).
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'AccountAdministersTheKey', principals: [new iam.AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'GatewayFunctionsUseTheKey',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { ArnEquals: { 'aws:PrincipalArn': props.keyUserRoleNames.map((n) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${n}`) } },
          }),
        ],
      }),
    });
    // Operators put the service user's password here after deploying (README "Deploying").
    this.secret = new secrets.Secret(this, 'ServiceSecret', {
      description: 'Failover Gateway: BAM failover-monitoring service credentials',
      generateSecretString: { secretStringTemplate: JSON.stringify({ serviceUsername: props.serviceUsername }), generateStringKey: 'servicePassword' },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The secret is the BAM service user\'s password, which BAM owns: it is rotated in BAM and then written here (README "Operating"); a rotation Lambda cannot change it in BAM.',
    });
    // Generated, never typed: HS256 key material for tenant tokens (SHA-256 of it is the key).
    this.tenantTokenKey = new secrets.Secret(this, 'TenantTokenKey', {
      description: 'Failover Gateway: signs the tenant tokens of the maintenance API (npm run user-manager)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
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
      });
      Validations.of(this.originVerifySecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotating it needs CloudFront and every API function to switch at once (a deploy reads it into the distribution); it is random, never leaves AWS, and is renewed by replacing the secret and redeploying.',
      });
    }

    // Subscribers (functions/subscriptions.ts): a rule with the shared pattern, retries and a dead-letter queue each.
    for (const sub of subscriptions) {
      const handler = new GatewayFunction(this, `Subscriber${sub.id}`, { entry: `subscribers/${sub.handler}`, timeout: Duration.seconds(30), memorySize: 128, environment: sub.table ? { TABLE_NAME: this.table.tableName } : {} });
      // A recording subscriber writes only its own items (the EVENTS partition), never reads.
      if (sub.table === 'write') handler.allow(['dynamodb:PutItem'], [this.table.tableArn], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [EVENT_LOG_PK] } });
      const s = subscribe(this, sub.id, { bus: this.bus, pattern: sub.pattern, target: (o) => new targets.LambdaFunction(handler.fn, o) });
      this.deadLetterAlarms.push(
        new cloudwatch.Alarm(this, `${sub.id}DeadLettersAlarm`, {
          alarmDescription: `Events for subscriber ${sub.id} could not be delivered after every retry: they wait in its dead-letter queue.`,
          metric: s.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
