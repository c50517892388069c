import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import { HISTORY_PK, SAMPLES_PER_SLOT, encodeSample, minuteOf, slotKey, type HistorySample } from '../monitor/domain/history.js';

/** Slots are overwritten after an hour anyway; the TTL only tidies up after a gateway is removed. */
const TTL_SECONDS = 2 * 3600;
// MINUTE is a DynamoDB reserved word.
const NAMES = { '#minute': 'minute', '#samples': 'samples' };

/**
 * The dashboard's last hour (domain/history.ts) as a ring of 60 items, written by the monitor's
 * loop (read by adapters/history-read.ts, in the function that answers the web UI), one per minute of the hour:
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
    const Key = { pk: HISTORY_PK, sk: slotKey(minute) };
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
}
