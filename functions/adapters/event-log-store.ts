import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The recent gateway events, kept in the table for the web UI's timeline (docs/web-ui.md): one item per
 * event under pk `EVENTS`, sk `<time>#<id>` (newest last), TTL'd after `retentionDays`. An event
 * delivered twice (EventBridge retries) overwrites its own item. The web UI reads it by time
 * (adapters/event-log-range.ts).
 */
import { EVENT_LOG_PK, type LoggedEvent } from '../events/domain/event-log.js';

export { EVENT_LOG_PK, type LoggedEvent };

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
}
