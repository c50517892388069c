import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GroupStore } from '../group/ports.js';
import { conditionally } from './dynamo.js';
import { ItemOutbox, appendOutboxSets, type Outbox } from './outbox.js';
import type { GroupChange, GroupState } from '../group/domain/group.js';
import type { PendingEvent } from '../events/domain/events.js';

const KEY = { pk: 'GROUP', sk: 'STATE' };

/**
 * The availability group's state item (GROUP / STATE): top-level attributes so conditions can
 * name them, and an outbox for the role events. Role changes are conditioned on the version (and,
 * for a takeover, on the heartbeat the taker saw); heartbeats on being the Primary of the epoch.
 */
export class DynamoGroupStore implements GroupStore {
  readonly outbox: Outbox;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.outbox = new ItemOutbox(db, tableName, KEY, async () => (await this.raw(['outbox']))?.outbox as Record<string, PendingEvent> | undefined);
  }

  private async raw(fields?: string[]) {
    const res = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: KEY,
        ConsistentRead: true,
        ...(fields ? { ProjectionExpression: fields.map((_, i) => `#f${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])) } : {}),
      }),
    );
    return res.Item;
  }

  async get(): Promise<GroupState | undefined> {
    const item = await this.raw(['version', 'epoch', 'primary', 'heartbeatSeq', 'lastHeartbeatAt', 'members', 'updatedAt']);
    return item ? (item as GroupState) : undefined;
  }

  /** Creates the group; false if another node created it first. */
  async create(change: GroupChange): Promise<boolean> {
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...KEY, type: 'group', ...change.state, outbox: Object.fromEntries(change.events.map((e) => [e.id, e])) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Writes a role change made from `prev`: only if nothing changed roles since (version) and, when
   * `heartbeatSeen` is given, the Primary has not heartbeated since either. With `settled`, only if
   * the current Primary has heartbeated since it got the role: two manual failovers racing on two
   * nodes would otherwise both apply, one after the other, and hand the role straight back.
   * Its events go to the outbox.
   */
  async change(prev: GroupState, change: GroupChange, heartbeatSeen?: number, opts: { settled?: boolean } = {}): Promise<boolean> {
    const s = change.state;
    const names: Record<string, string> = { '#primary': 'primary', '#members': 'members' };
    const values: Record<string, unknown> = {
      ':v': s.version,
      ':e': s.epoch,
      ':p': s.primary,
      ':hs': s.heartbeatSeq,
      ':lh': s.lastHeartbeatAt,
      ':m': s.members,
      ':u': s.updatedAt,
      ':prev': prev.version,
    };
    const sets = ['version = :v', 'epoch = :e', '#primary = :p', 'heartbeatSeq = :hs', 'lastHeartbeatAt = :lh', '#members = :m', 'updatedAt = :u'];
    if (s.epoch !== prev.epoch) sets.push('roleChangedSeq = :hs'); // where the new Primary's heartbeats start
    appendOutboxSets(change.events, sets, names, values);
    let condition = 'version = :prev';
    if (opts.settled) condition += ' AND (attribute_not_exists(roleChangedSeq) OR heartbeatSeq > roleChangedSeq)';
    if (heartbeatSeen !== undefined) {
      condition += ' AND heartbeatSeq = :seen';
      values[':seen'] = heartbeatSeen;
    }
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** The Primary's heartbeat; false when `me` is no longer the Primary of `epoch` (it lost the role). */
  async heartbeat(me: string, epoch: number, now: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'SET heartbeatSeq = heartbeatSeq + :one, lastHeartbeatAt = :now, #members.#me.lastSeen = :now',
          ConditionExpression: '#primary = :me AND epoch = :e',
          ExpressionAttributeNames: { '#primary': 'primary', '#members': 'members', '#me': me },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':me': me, ':e': epoch },
        }),
      ),
    );
  }

  /** A Secondary's sign of life (so a manual failover knows it can take the role). */
  async touch(me: string, now: number): Promise<void> {
    await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'SET #members.#me.lastSeen = :now',
          ConditionExpression: 'attribute_exists(#members.#me)',
          ExpressionAttributeNames: { '#members': 'members', '#me': me },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }
}
