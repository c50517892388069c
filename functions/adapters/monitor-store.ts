import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './dynamo.js';
import type { MonitorState } from '../domain/monitor-machine.js';
import type { PendingEvent } from '../domain/events.js';

export interface StoredMonitor {
  state: MonitorState;
  /** Events committed with a state change and not yet published, oldest first. */
  outbox: PendingEvent[];
}

/**
 * The service user's BAM session for one epoch: the one re-login that restores every restorable
 * session. While one process logs in, the item is a claim (no credential, a lease) that others wait on.
 */
export interface ServiceSession {
  epoch: number;
  server: string;
  credential?: string;
  holder?: string;
  leaseUntil?: number;
}

export interface MonitorStore {
  get(): Promise<StoredMonitor | undefined>;
  /** Writes `next` (and appends `events` to the outbox) only if the stored version is still `next.version - 1`. */
  commit(next: MonitorState, events: PendingEvent[]): Promise<boolean>;
  /** Takes the right to publish the outbox for `leaseMs`; false if another publisher holds it. */
  leaseOutbox(holder: string, now: number, leaseMs: number): Promise<boolean>;
  removeFromOutbox(ids: string[], holder: string): Promise<void>;
  getServiceSession(epoch: number): Promise<ServiceSession | undefined>;
  /** Takes the right to log in for `epoch` (none claimed yet, or the claim's lease ran out). */
  claimServiceSession(epoch: number, server: string, holder: string, now: number, leaseMs: number): Promise<boolean>;
  /** Stores the credential, if `holder` still holds the claim. */
  completeServiceSession(epoch: number, holder: string, credential: string): Promise<boolean>;
}

const STATE_KEY = { pk: 'MONITOR', sk: 'STATE' };
const eventOrder = (id: string) => id.split('-').map(Number) as [number, number];

/**
 * One item holds the monitor state and its outbox, so a transition and the events it produces
 * commit together (a single-item conditional write: no transactions needed). The outbox is a map
 * keyed by event id that commits only ever add to, so removing published entries needs no version
 * check and never races a transition.
 */
export class DynamoMonitorStore implements MonitorStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<StoredMonitor | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: STATE_KEY, ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { state, outbox } = res.Item as { state: MonitorState; outbox?: Record<string, PendingEvent> };
    const events = Object.values(outbox ?? {}).sort((a, b) => {
      const [av, ai] = eventOrder(a.id);
      const [bv, bi] = eventOrder(b.id);
      return av - bv || ai - bi;
    });
    return { state, outbox: events };
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
      const names: Record<string, string> = { '#state': 'state', ...(events.length ? { '#outbox': 'outbox' } : {}) };
      const values: Record<string, unknown> = { ':state': next, ':v': next.version, ':prev': next.version - 1 };
      const sets = ['#state = :state', 'version = :v'];
      events.forEach((e, i) => {
        names[`#e${i}`] = e.id;
        values[`:e${i}`] = e;
        sets.push(`#outbox.#e${i} = :e${i}`);
      });
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

  async leaseOutbox(holder: string, now: number, leaseMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: STATE_KEY,
          UpdateExpression: 'SET outboxLease = :lease',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(outboxLease) OR outboxLease.#until < :now OR outboxLease.holder = :holder)',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':lease': { holder, until: now + leaseMs }, ':now': now, ':holder': holder },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async removeFromOutbox(ids: string[], holder: string): Promise<void> {
    const names: Record<string, string> = ids.length ? { '#outbox': 'outbox' } : {};
    const removes = ids.map((id, i) => {
      names[`#r${i}`] = id;
      return `#outbox.#r${i}`;
    });
    removes.push('outboxLease');
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: STATE_KEY,
          UpdateExpression: `REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'outboxLease.holder = :holder',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (err) {
      // The lease ran out and someone else took it: they will publish what is left (at-least-once).
      if (!isConditionFailure(err)) throw err;
    }
  }

  async getServiceSession(epoch: number): Promise<ServiceSession | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: serviceKey(epoch), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { epoch: e, server, credential, holder, leaseUntil } = res.Item as ServiceSession;
    return { epoch: e, server, credential, holder, leaseUntil };
  }

  async claimServiceSession(epoch: number, server: string, holder: string, now: number, leaseMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          // Old epochs' service sessions are useless: TTL removes them after a day.
          Item: { ...serviceKey(epoch), type: 'service-session', epoch, server, holder, leaseUntil: now + leaseMs, ttl: Math.ceil(now / 1000) + 86400 },
          ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(credential) AND leaseUntil < :now)',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async completeServiceSession(epoch: number, holder: string, credential: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: serviceKey(epoch),
          UpdateExpression: 'SET credential = :c REMOVE leaseUntil',
          ConditionExpression: 'holder = :h AND attribute_not_exists(credential)',
          ExpressionAttributeValues: { ':c': credential, ':h': holder },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}

const serviceKey = (epoch: number) => ({ pk: 'MONITOR', sk: `SERVICE#${epoch}` });
