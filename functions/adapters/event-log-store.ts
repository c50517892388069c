import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The recent gateway events, kept in the table for the web UI's timeline (SPEC §12): one item per
 * event under pk `EVENTS`, sk `<time>#<id>` (newest last), TTL'd after `retentionDays`. An event
 * delivered twice (EventBridge retries) overwrites its own item. Reads are bounded: at most
 * `MAX_PAGES` Query pages, whatever the table holds.
 */
export interface LoggedEvent {
  id: string;
  type: string;
  time: string;
  detail: Record<string, unknown>;
}

export const EVENT_LOG_PK = 'EVENTS';
const MAX_PAGES = 5;
const PAGE_SIZE = 200;
export const MAX_EVENTS = 200;

export class DynamoEventLogStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = 7,
  ) {}

  async record(e: LoggedEvent): Promise<void> {
    const ttl = Math.floor(Date.parse(e.time) / 1000) + this.retentionDays * 86_400;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: EVENT_LOG_PK, sk: `${e.time}#${e.id}`, id: e.id, type: e.type, time: e.time, detail: e.detail, ttl } }));
  }

  /** The newest `limit` events (of `type` when given), newest first. */
  async recent(opts: { type?: string; limit?: number } = {}): Promise<LoggedEvent[]> {
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), MAX_EVENTS);
    const out: LoggedEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES && out.length < limit; page++) {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': EVENT_LOG_PK, ...(opts.type ? { ':type': opts.type } : {}) },
          ...(opts.type ? { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' } } : {}),
          ScanIndexForward: false,
          Limit: PAGE_SIZE,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of res.Items ?? []) out.push({ id: String(item.id), type: String(item.type), time: String(item.time), detail: (item.detail ?? {}) as Record<string, unknown> });
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
    return out.slice(0, limit);
  }
}
