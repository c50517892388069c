import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import { ItemOutbox, appendOutboxSets, type Outbox } from './outbox.js';
import type { PendingEvent } from '../events/domain/events.js';
import { HISTORY_LIMIT, type Activation, type ActiveConfiguration, type Modes } from '../maintenance/domain/configuration.js';
import type { ConfigurationStore } from '../maintenance/ports.js';
import { readBatcher } from './read-batcher.js';

// The stored name (AIRLOCK#CONFIG) stays as deployed tables and IAM conditions know it.
const KEY = { pk: 'AIRLOCK#CONFIG', sk: 'ACTIVE' };

/**
 * The active maintenance configuration (AIRLOCK#CONFIG / ACTIVE): one versioned item holding the
 * host modes, a bounded activation history and its event outbox, so an activation and its events
 * commit together in one conditional write on the version.
 */
export class DynamoConfigurationStore implements ConfigurationStore {
  readonly outbox: Outbox;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.outbox = new ItemOutbox(db, tableName, KEY, async () => {
      const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true, ProjectionExpression: 'outbox' }));
      return res.Item?.outbox as Record<string, PendingEvent> | undefined;
    });
  }

  async get(): Promise<ActiveConfiguration> {
    // The whole item (its outbox too): read with the monitor state and the user's settings in one request at a login.
    const item = (await readBatcher(this.db).get(this.tableName, KEY)) as Partial<ActiveConfiguration> | undefined;
    return { version: item?.version ?? 0, modes: item?.modes ?? {}, history: item?.history ?? [] };
  }

  /** Writes the activation only if the stored version is still `prev.version`; false when another activation won. */
  async activate(prev: ActiveConfiguration, modes: Modes, activation: Activation, events: PendingEvent[]): Promise<boolean> {
    const history = [...prev.history, activation].slice(-HISTORY_LIMIT);
    const now = activation.at;
    if (prev.version === 0) {
      return conditionally(
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...KEY, type: 'airlock-configuration', version: activation.version, modes, history, updatedAt: now, outbox: Object.fromEntries(events.map((e) => [e.id, e])) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    }
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':v': activation.version, ':m': modes, ':h': history, ':u': now, ':prev': prev.version };
    const sets = ['version = :v', 'modes = :m', 'history = :h', 'updatedAt = :u'];
    appendOutboxSets(events, sets, names, values);
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'version = :prev',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }
}
