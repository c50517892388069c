import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { GatewayFunction } from './gateway-function.js';
import { SESSIONS_BY_SERVER_INDEX, SESSIONS_BY_SERVER_PROJECTION, SESSIONS_BY_USER_INDEX, SESSIONS_BY_USER_PROJECTION } from '../functions/adapters/session-index.js';

/**
 * The gateway's table for a group in two regions: a multi-Region strongly consistent (MRSC) global
 * table, replicas in both node regions and a witness in a third. A strongly consistent read in
 * either region sees the last write made in the other, and a conditional write is checked against
 * it, so the group's fencing epoch holds across regions (an eventually consistent global table
 * would let both regions take over in the same epoch).
 *
 * What MRSC lacks, and how the gateway does without (docs/availability-group.md, "Two-region group"):
 * - TTL: not supported. Nothing depends on it: every expiring item carries its own expiry, checked
 *   when read (sessions, tenant tokens, throttle windows, service sessions by epoch); TTL only
 *   tidies. Here `expiredItemSweeper` below does the tidying.
 * - Transactions: not supported; the gateway makes none (single-item conditional writes only).
 * - Local secondary indexes: not supported; the gateway has none, only global ones (below). Their
 *   reads are eventually consistent, as in one region: none of them decides a role.
 * - Streams: not needed (MRSC does not replicate through them); the gateway reads none.
 */
export function globalTable(scope: Construct, regions: { replica: string; witness: string }): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand(),
    multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG,
    replicas: [{ region: regions.replica }],
    witnessRegion: regions.witness,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    globalSecondaryIndexes: [
      // Admins list and revoke a user's sessions (functions/adapters/session-store.ts); never the credential.
      {
        indexName: SESSIONS_BY_USER_INDEX,
        partitionKey: { name: 'sessionUser', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: SESSIONS_BY_USER_PROJECTION,
      },
      // The maintenance API counts each host's live sessions (functions/maintenance/session-count.ts).
      {
        indexName: SESSIONS_BY_SERVER_INDEX,
        partitionKey: { name: 'boundServer', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'expiresAt', type: dynamodb.AttributeType.NUMBER },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: SESSIONS_BY_SERVER_PROJECTION,
      },
    ],
  });
}

/** The items that carry a `ttl` (functions/adapters/*-store.ts): the only ones the sweeper may delete. */
const EXPIRING_ITEMS = ['SESSION#*', 'THROTTLE#*', 'TENANT_TOKENS', 'MONITOR', 'AIRLOCK#SESSION#*'];

/**
 * TTL's replacement on the MRSC table (functions/lambdas/expired-sweeper.ts), hourly, in the first
 * region. It may scan the table and delete expiring kinds of items, each only if still expired.
 */
export function expiredItemSweeper(scope: Construct, table: dynamodb.TableV2): GatewayFunction {
  const fn = new GatewayFunction(scope, 'ExpiredItemSweeper', { entry: 'lambdas/expired-sweeper', timeout: Duration.minutes(15), memorySize: 256, environment: { TABLE_NAME: table.tableName } });
  fn.allow(['dynamodb:Scan'], [table.tableArn]);
  fn.allow(['dynamodb:DeleteItem'], [table.tableArn], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': EXPIRING_ITEMS } });
  new events.Rule(scope, 'ExpiredItemSweepSchedule', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.LambdaFunction(fn.fn, { retryAttempts: 0 })] });
  return fn;
}
