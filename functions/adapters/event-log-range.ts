import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVENT_LOG_PK, cursorOf, type EventPage, type EventRange } from '../events/domain/event-log.js';

export { cursorOf, type EventPage, type EventRange };

/** At most this many Query pages per read (a type filter may skip many items): bounded, whatever the table holds. */
const MAX_PAGES = 5;
const PAGE_SIZE = 200;

/**
 * The event log (adapters/event-log-store.ts) read by time, for the web UI: a time range, "load
 * more" with a cursor, and incremental reads of what came since the last one. Its sort key is
 * `<time>#<id>`, so each of these is one key condition, newest first.
 */
export async function readEventRange(db: DynamoDBDocumentClient, tableName: string, r: EventRange): Promise<EventPage> {
  const values: Record<string, unknown> = { ':pk': EVENT_LOG_PK };
  let condition = 'pk = :pk';
  const low = [r.after, r.since]
    .filter((v): v is string => v !== undefined)
    .sort()
    .pop();
  // `before` and `after` are exclusive: an event exactly at the cursor is the one the caller has.
  if (low !== undefined && r.before !== undefined) {
    Object.assign(values, { ':low': low, ':high': r.before });
    condition += ' AND sk BETWEEN :low AND :high';
  } else if (low !== undefined) {
    values[':low'] = low;
    condition += ' AND sk >= :low';
  } else if (r.before !== undefined) {
    values[':high'] = r.before;
    condition += ' AND sk < :high';
  }
  if (r.type) values[':type'] = r.type;
  const out: EventPage['events'] = [];
  let startKey: Record<string, unknown> | undefined;
  let more = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ...(r.type ? { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' } } : {}),
        ScanIndexForward: false,
        Limit: PAGE_SIZE,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      const sk = String(item.sk);
      if (sk === r.after || sk === r.before) continue;
      out.push({ id: String(item.id), type: String(item.type), time: String(item.time), detail: (item.detail ?? {}) as Record<string, unknown>, cursor: sk });
    }
    startKey = res.LastEvaluatedKey;
    if (out.length > r.limit) {
      more = true;
      break;
    }
    if (!startKey) break;
    // The page budget ran out with items left unread: there may be more.
    if (page === MAX_PAGES - 1) more = true;
  }
  return { events: out.slice(0, r.limit), more };
}
