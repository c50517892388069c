import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HISTORY_PK, HISTORY_SLOTS, HOUR_MS, minuteOf, parseStored, slotKey, type StoredSample } from '../monitor/domain/history.js';

/**
 * The dashboard's last hour from its ring (adapters/history-store.ts writes it): the samples before
 * `now` as stored (domain/history.ts), after `after` when given, oldest first. An incremental read
 * asks for its one or two slots by key; the whole hour is one Query of the 60 items.
 */
export async function readHistory(db: DynamoDBDocumentClient, tableName: string, now: number, after?: number): Promise<StoredSample[]> {
  const from = Math.max(after ?? -Infinity, now - HOUR_MS);
  const fromMinute = minuteOf(from);
  const toMinute = minuteOf(now);
  const minutes = toMinute - fromMinute + 1;
  let items: Record<string, unknown>[];
  if (minutes <= 3) {
    const keys = Array.from({ length: minutes }, (_, i) => ({ pk: HISTORY_PK, sk: slotKey(fromMinute + i) }));
    const res = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
    items = (res.Responses?.[tableName] ?? []) as Record<string, unknown>[];
  } else {
    const res = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
        ExpressionAttributeValues: { ':pk': HISTORY_PK, ':h': 'HISTORY#' },
        Limit: HISTORY_SLOTS,
      }),
    );
    items = (res.Items ?? []) as Record<string, unknown>[];
  }
  const out: StoredSample[] = [];
  for (const item of items) {
    const minute = Number(item.minute);
    // A slot still holding a minute from more than an hour ago is not part of this hour.
    if (!(minute >= fromMinute && minute <= toMinute) || !Array.isArray(item.samples)) continue;
    for (const raw of item.samples) {
      const s = parseStored(raw);
      if (s && s[0] > from) out.push(s);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}
