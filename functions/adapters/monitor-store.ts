import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally, isConditionFailure } from './dynamo.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import type { PendingEvent } from '../events/domain/events.js';
import { ItemOutbox, appendOutboxSets, sortEvents, type Outbox } from './outbox.js';
import type { StoredMonitor, ServiceSession, MonitorStore } from '../monitor/ports.js';
export type { StoredMonitor, ServiceSession, MonitorStore };
import type { ServiceSessionStore } from '../sessions/ports.js';
import { readBatcher } from './read-batcher.js';

const STATE_KEY = { pk: 'MONITOR', sk: 'STATE' };

/**
 * One item holds the monitor state and its outbox, so a transition and the events it produces
 * commit together (a single-item conditional write: no transactions needed). The outbox is a map
 * keyed by event id that commits only ever add to, so removing published entries needs no version
 * check and never races a transition.
 */
export class DynamoMonitorStore implements MonitorStore, ServiceSessionStore {
  readonly outbox: Outbox;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.outbox = new ItemOutbox(db, tableName, STATE_KEY, async () => {
      const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: STATE_KEY, ConsistentRead: true, ProjectionExpression: 'outbox' }));
      return res.Item?.outbox as Record<string, PendingEvent> | undefined;
    });
  }

  async get(): Promise<StoredMonitor | undefined> {
    const item = await readBatcher(this.db).get(this.tableName, STATE_KEY);
    if (!item) return undefined;
    const { state, outbox } = item as { state: MonitorState; outbox?: Record<string, PendingEvent> };
    return { state, outbox: sortEvents(Object.values(outbox ?? {})) };
  }

  async commit(next: MonitorState, events: PendingEvent[]): Promise<boolean> {
    try {
      if (next.version === 1) {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...STATE_KEY, type: 'monitor', version: next.version, state: next, outbox: Object.fromEntries(events.map((e) => [e.id, e])) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      }
      const names: Record<string, string> = { '#state': 'state' };
      const values: Record<string, unknown> = { ':state': next, ':v': next.version, ':prev': next.version - 1 };
      const sets = ['#state = :state', 'version = :v'];
      appendOutboxSets(events, sets, names, values);
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: STATE_KEY,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'version = :prev',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async getServiceSession(epoch: number): Promise<ServiceSession | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: serviceKey(epoch), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { epoch: e, server, credential, holder, leaseUntil } = res.Item as ServiceSession;
    return { epoch: e, server, credential, holder, leaseUntil };
  }

  async claimServiceSession(epoch: number, server: string, holder: string, now: number, leaseMs: number, replacing?: string): Promise<boolean> {
    if (replacing !== undefined) {
      return conditionally(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: serviceKey(epoch),
            UpdateExpression: 'SET holder = :h, leaseUntil = :l, #server = :s',
            ConditionExpression: 'credential = :old AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
            ExpressionAttributeNames: { '#server': 'server' },
            ExpressionAttributeValues: { ':h': holder, ':l': now + leaseMs, ':s': server, ':old': replacing, ':now': now },
          }),
        ),
      );
    }
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          // Old epochs' service sessions are useless: TTL removes them after a day.
          Item: { ...serviceKey(epoch), type: 'service-session', epoch, server, holder, leaseUntil: now + leaseMs, ttl: Math.ceil(now / 1000) + 86400 },
          ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(credential) AND leaseUntil < :now)',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  async completeServiceSession(epoch: number, holder: string, credential: string, replacing?: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: serviceKey(epoch),
          UpdateExpression: 'SET credential = :c REMOVE leaseUntil',
          ConditionExpression: replacing === undefined ? 'holder = :h AND attribute_not_exists(credential)' : 'holder = :h AND credential = :old',
          ExpressionAttributeValues: { ':c': credential, ':h': holder, ...(replacing === undefined ? {} : { ':old': replacing }) },
        }),
      ),
    );
  }
}

const serviceKey = (epoch: number) => ({ pk: 'MONITOR', sk: `SERVICE#${epoch}` });
