import { BatchGetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import { HISTORY_SLOTS, HOUR_MS, SAMPLES_PER_SLOT, decodeSample, encodeSample, minuteOf, slotKey, type HistorySample } from '../domain/history.js';

const PK = 'MONITOR';
/** Slots are overwritten after an hour anyway; the TTL only tidies up after a gateway is removed. */
const TTL_SECONDS = 2 * 3600;
// MINUTE is a DynamoDB reserved word.
const NAMES = { '#minute': 'minute', '#samples': 'samples' };

/**
 * The dashboard's last hour (domain/history.ts) as a ring of 60 items, one per minute of the hour:
 * pk `MONITOR`, sk `HISTORY#00`..`HISTORY#59`, each with the minute it holds and that minute's
 * samples. The table never holds more than 60 such items, and the functions that write the
 * monitor state may already write under pk `MONITOR`: no new permission.
 */
export class DynamoHistoryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Appends to the sample's minute slot (one write), or starts the slot anew when it still holds an
   * older minute (a second write, once a minute). A full slot, or one a newer minute already took,
   * drops the sample: the history is a picture, never worth a retry loop.
   */
  async append(sample: HistorySample): Promise<boolean> {
    const minute = minuteOf(sample.t);
    const Key = { pk: PK, sk: slotKey(minute) };
    const raw = encodeSample(sample);
    const appendTo = () =>
      conditionally(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET #samples = list_append(#samples, :s)',
            ConditionExpression: '#minute = :m AND size(#samples) < :cap',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':s': [raw], ':m': minute, ':cap': SAMPLES_PER_SLOT },
          }),
        ),
      );
    if (await appendTo()) return true;
    const started = await conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, type: 'history', minute, samples: [raw], ttl: minute * 60 + TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk) OR #minute < :m',
          ExpressionAttributeNames: { '#minute': 'minute' },
          ExpressionAttributeValues: { ':m': minute },
        }),
      ),
    );
    // Another writer started this minute's slot a moment ago: join it.
    return started || appendTo();
  }

  /**
   * The samples of the last hour before `now`, after `after` when given (an incremental read asks
   * for one or two slots by key; a whole hour is one Query of the 60 items), oldest first.
   */
  async read(now: number, after?: number): Promise<HistorySample[]> {
    const from = Math.max(after ?? -Infinity, now - HOUR_MS);
    const fromMinute = minuteOf(from);
    const toMinute = minuteOf(now);
    const minutes = toMinute - fromMinute + 1;
    let items: Record<string, unknown>[];
    if (minutes <= 3) {
      const keys = Array.from({ length: minutes }, (_, i) => ({ pk: PK, sk: slotKey(fromMinute + i) }));
      const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      items = (res.Responses?.[this.tableName] ?? []) as Record<string, unknown>[];
    } else {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
          ExpressionAttributeValues: { ':pk': PK, ':h': 'HISTORY#' },
          Limit: HISTORY_SLOTS,
        }),
      );
      items = (res.Items ?? []) as Record<string, unknown>[];
    }
    const out: HistorySample[] = [];
    for (const item of items) {
      const minute = Number(item.minute);
      // A slot still holding a minute from more than an hour ago is not part of this hour.
      if (!(minute >= fromMinute && minute <= toMinute) || !Array.isArray(item.samples)) continue;
      for (const raw of item.samples) {
        const s = typeof raw === 'string' ? decodeSample(raw) : undefined;
        if (s && s.t > from) out.push(s);
      }
    }
    return out.sort((a, b) => a.t - b.t);
  }
}
