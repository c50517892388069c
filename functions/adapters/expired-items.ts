import { DeleteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';

/**
 * What DynamoDB's TTL does on one region's table, for a table without it: an MRSC global table
 * (the two-region group) supports no TTL. Scans for items whose `ttl` (seconds) has passed and
 * deletes each one only if it is still expired, so an item renewed in between (a session used
 * again) stays. Nothing depends on the deletion: every expiring item is checked on read; this
 * only keeps expired ones from piling up.
 */
export interface SweepResult {
  scanned: number;
  deleted: number;
  /** False when `keepGoing` stopped it before the end of the table (the next run starts over). */
  complete: boolean;
}

export async function sweepExpired(db: DynamoDBDocumentClient, tableName: string, nowSeconds: number, keepGoing: () => boolean = () => true): Promise<SweepResult> {
  const expired = { ExpressionAttributeNames: { '#ttl': 'ttl' }, ExpressionAttributeValues: { ':now': nowSeconds } };
  let scanned = 0;
  let deleted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, FilterExpression: '#ttl < :now', ProjectionExpression: 'pk, sk', ExclusiveStartKey: start, ...expired }));
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const key = { pk: item.pk as string, sk: item.sk as string };
      if (await conditionally(db.send(new DeleteCommand({ TableName: tableName, Key: key, ConditionExpression: '#ttl < :now', ...expired })))) deleted++;
    }
    start = page.LastEvaluatedKey;
  } while (start && keepGoing());
  return { scanned, deleted, complete: !start };
}
