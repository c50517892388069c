import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Key = Record<string, string>;
type Item = Record<string, unknown>;

interface Wanted {
  table: string;
  key: Key;
  id: string;
  done: { resolve: (item: Item | undefined) => void; reject: (err: unknown) => void }[];
}

/** BatchGetItem takes at most 100 keys; DynamoDB may leave some unprocessed under load (asked again). */
const MAX_KEYS = 100;
const UNPROCESSED_RETRIES = 3;

const batchers = new WeakMap<DynamoDBDocumentClient, ReadBatcher>();

/** The one batcher of a client, shared by every store built on it. */
export function readBatcher(db: DynamoDBDocumentClient): ReadBatcher {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new ReadBatcher(db)));
  return b;
}

/**
 * Strongly consistent reads of whole items that code issues together (a login reads the monitor
 * state, the active configuration and the user's settings at once) go to DynamoDB as one
 * BatchGetItem: one request and one signature instead of three, which is most of what a read costs
 * the gateway's CPU. Reads issued in the same turn of the event loop join: the batch is sent from
 * setImmediate, after the I/O callbacks of that turn, so under load the session reads of the many
 * requests that arrived together share one BatchGetItem too, and no read waits for a timer. A lone read stays a GetItem,
 * and the same key asked twice is read once. Each read is at least as fresh as a GetItem issued
 * when it was asked.
 */
export class ReadBatcher {
  private pending = new Map<string, Wanted>();

  constructor(private readonly db: DynamoDBDocumentClient) {}

  get(table: string, key: Key): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(() => void this.flush());
      const id = idOf(table, key);
      const wanted = this.pending.get(id) ?? { table, key, id, done: [] };
      wanted.done.push({ resolve, reject });
      this.pending.set(id, wanted);
    });
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    for (let i = 0; i < batch.length; i += MAX_KEYS) void this.read(batch.slice(i, i + MAX_KEYS));
  }

  private async read(batch: Wanted[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    let result: { found: Map<string, Item>; left: Wanted[] };
    try {
      result = await this.many(batch);
    } catch {
      // The batch failed as a whole: each read on its own, so a failure fails only the requests it concerns.
      await Promise.all(batch.map((w) => this.alone(w)));
      return;
    }
    for (const w of batch) if (!result.left.includes(w)) for (const d of w.done) d.resolve(result.found.get(w.id));
    // Still unprocessed after the retries: one GetItem each rather than fail the reads.
    await Promise.all(result.left.map((w) => this.alone(w)));
  }

  /** One read as a GetItem, answering its own callers. */
  private async alone(w: Wanted): Promise<void> {
    try {
      const res = await this.db.send(new GetCommand({ TableName: w.table, Key: w.key, ConsistentRead: true }));
      for (const d of w.done) d.resolve(res.Item);
    } catch (err) {
      for (const d of w.done) d.reject(err);
    }
  }

  /** The items a BatchGetItem found, asking again for the keys DynamoDB left unprocessed; `left`: those still unprocessed after the retries. */
  private async many(batch: Wanted[]): Promise<{ found: Map<string, Item>; left: Wanted[] }> {
    const found = new Map<string, Item>();
    let left = batch;
    for (let attempt = 0; left.length > 0 && attempt <= UNPROCESSED_RETRIES; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** (attempt - 1)));
      const tables: Record<string, { Keys: Key[]; ConsistentRead: true }> = {};
      for (const w of left) (tables[w.table] ??= { Keys: [], ConsistentRead: true }).Keys.push(w.key);
      const res = await this.db.send(new BatchGetCommand({ RequestItems: tables }));
      for (const w of left) {
        const item = res.Responses?.[w.table]?.find((i) => Object.entries(w.key).every(([k, v]) => i[k] === v));
        if (item) found.set(w.id, item);
      }
      const unprocessed = new Set(Object.entries(res.UnprocessedKeys ?? {}).flatMap(([table, r]) => (r.Keys ?? []).map((k) => idOf(table, k as Key))));
      left = left.filter((w) => unprocessed.has(w.id));
    }
    return { found, left };
  }
}

/** One id per item whatever the order of the key's attributes: DynamoDB refuses a batch naming an item twice. */
function idOf(table: string, key: Key): string {
  return `${table}\u0000${JSON.stringify(
    Object.keys(key)
      .sort()
      .map((k) => [k, key[k]]),
  )}`;
}
