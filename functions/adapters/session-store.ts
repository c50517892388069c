import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';
import { readBatcher } from './read-batcher.js';
import { SESSIONS_BY_SERVER_INDEX, SESSIONS_BY_USER_INDEX } from './session-index.js';
import type { SessionBinding, SessionRecord, SessionSummary, SessionStore, BoundSessionFilter } from '../sessions/ports.js';
export type { SessionRecord, SessionSummary, SessionStore, BoundSessionFilter };

const key = (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: 'SESSION' });
/** The index key of a user: BAM user names are case-insensitive (`Alice` and `alice` are one user). */
const indexUser = (username: string) => username.toLowerCase();

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: SessionRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(session.tokenHash), type: 'session', ...session, sessionUser: indexUser(session.username), ttl: Math.ceil(session.expiresAt / 1000) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    const item = await readBatcher(this.db).get(this.tableName, key(tokenHash));
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ttl: _ttl, sessionUser: _user, ...session } = item;
    return session as unknown as SessionRecord;
  }

  async listByUser(username: string): Promise<SessionSummary[]> {
    const out: SessionSummary[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SESSIONS_BY_USER_INDEX,
          KeyConditionExpression: 'sessionUser = :u',
          ExpressionAttributeValues: { ':u': indexUser(username) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of res.Items ?? []) {
        const { pk, sessionId, username, target, boundServer, restorable, createdAt, lastSeenAt, expiresAt } = item as SessionSummary & { pk: string };
        out.push({ tokenHash: pk.slice('SESSION#'.length), sessionId, username, target, boundServer, restorable, createdAt, lastSeenAt, expiresAt });
      }
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * How many sessions bound to `server` are live at `now` and match `which`: a Query of the live
   * range of SESSIONS_BY_SERVER_INDEX with Select COUNT, one request per page (about 1 MB of index
   * items, a few thousand sessions). The index is eventually consistent: a change of a moment ago may
   * not be counted yet.
   */
  async countBound(server: string, now: number, which: BoundSessionFilter): Promise<{ count: number; requests: number }> {
    const names: Record<string, string> = { '#b': 'boundServer', '#x': 'expiresAt' };
    const values: Record<string, unknown> = { ':b': server, ':now': now };
    const parts: string[] = [];
    if (which.pinned) {
      names['#t'] = 'target';
      const inc = which.pinned.incarnation;
      if (inc === undefined) parts.push('#t = :b');
      else {
        Object.assign(names, { '#i': 'serverIncarnation' });
        values[':inc'] = inc;
        parts.push('(#t = :b AND #i = :inc)');
      }
    }
    if (which.alias) {
      Object.assign(names, { '#t': 'target', '#r': 'restorable', '#e': 'epoch' });
      Object.assign(values, { ':alias': which.alias.target, ':yes': true, ':since': which.alias.sinceEpoch });
      parts.push('(#t = :alias AND (#r = :yes OR #e >= :since))');
    }
    if (parts.length === 0) return { count: 0, requests: 0 };
    let count = 0;
    let requests = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SESSIONS_BY_SERVER_INDEX,
          KeyConditionExpression: '#b = :b AND #x > :now',
          FilterExpression: parts.join(' OR '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      requests++;
      count += res.Count ?? 0;
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return { count, requests };
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(tokenHash) }));
  }

  async touch(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    // A failed condition means the session was logged out meanwhile: nothing to extend.
    await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(tokenHash),
          UpdateExpression: 'SET lastSeenAt = :l, expiresAt = :e, #ttl = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':l': lastSeenAt, ':e': expiresAt, ':t': Math.ceil(expiresAt / 1000) },
        }),
      ),
    );
  }

  async rebind(tokenHash: string, fromEpoch: number, to: SessionBinding): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(tokenHash),
          UpdateExpression: 'SET boundServer = :b, credential = :c, sharedCredential = :s, epoch = :e, serverIncarnation = :i',
          ConditionExpression: 'attribute_exists(pk) AND epoch = :from',
          ExpressionAttributeValues: { ':b': to.boundServer, ':c': to.credential, ':s': to.sharedCredential, ':e': to.epoch, ':i': to.serverIncarnation, ':from': fromEpoch },
        }),
      ),
    );
  }
}
