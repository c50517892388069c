import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { matchesPattern } from './event-pattern-match.js';

export interface Delivery {
  subscriber: string;
  status: 'delivered' | 'retrying' | 'dead-lettered';
}

export interface BusEvent {
  version: '0';
  id: string;
  source: string;
  account: string;
  region: string;
  'detail-type': string;
  time: string;
  resources: string[];
  detail: unknown;
  deliveries: Delivery[];
}

export type LocalSubscriber = (event: Omit<BusEvent, 'deliveries'>) => Promise<unknown>;

interface Subscription {
  id: string;
  pattern: Record<string, unknown>;
  handler: LocalSubscriber;
}

export interface DeliveryPolicy {
  /** Attempts after the first one, as a rule target's retry policy. */
  retries: number;
  /** Delay before the first retry; doubles each time. */
  backoffMs: number;
}

const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;
const KEEP = 1000;

/**
 * The local event bus. It answers EventBridge's PutEvents over HTTP (JSON 1.1, `AWSEvents.PutEvents`),
 * so the gateway publishes with the very EventBridge SDK adapter it uses in AWS. PutEvents rules are
 * kept: at most 10 entries per call, 256 KB per call, one result per entry.
 */
export class LocalEventBus {
  readonly events: BusEvent[] = [];
  /** Events no subscriber could take after every retry, with why: the local dead-letter queue. */
  readonly deadLetters: { subscriber: string; event: BusEvent; error: string }[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly policy: DeliveryPolicy = { retries: 3, backoffMs: 200 }) {}

  /** Adds a rule and its target: events matching `pattern` go to `handler`, asynchronously, with retries. */
  subscribe(id: string, pattern: Record<string, unknown>, handler: LocalSubscriber): void {
    this.subscriptions.push({ id, pattern, handler });
  }

  /** Waits for every delivery under way (tests, and a clean stop). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }
  /** Test hook: entries for which it answers a per-entry failure, as EventBridge may. */
  failNext = 0;
  private server?: http.Server;
  endpoint = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await this.drain();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  recent(limit = 100): BusEvent[] {
    return this.events.slice(-limit);
  }

  putEvents(entries: { Source?: string; DetailType?: string; Detail?: string; EventBusName?: string; Resources?: string[] }[]) {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw Object.assign(new Error(`Entries must hold 1 to ${MAX_ENTRIES} items`), { type: 'ValidationException' });
    }
    if (Buffer.byteLength(JSON.stringify(entries)) > MAX_BYTES) {
      throw Object.assign(new Error('Total size of the entries in the request is over the limit'), { type: 'ValidationException' });
    }
    let failed = 0;
    const results = entries.map((e) => {
      if (this.failNext > 0) {
        this.failNext--;
        failed++;
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'simulated per-entry failure' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(e.Detail ?? '');
      } catch {
        failed++;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      if (!e.Source || !e.DetailType) {
        failed++;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source and DetailType are required' };
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        source: e.Source,
        account: '000000000000',
        region: 'local',
        'detail-type': e.DetailType,
        time: new Date().toISOString(),
        resources: e.Resources ?? [],
        detail,
        deliveries: [],
      };
      this.events.push(event);
      if (this.events.length > KEEP) this.events.splice(0, this.events.length - KEEP);
      this.route(event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }

  private route(event: BusEvent): void {
    const { deliveries: _d, ...envelope } = event;
    for (const sub of this.subscriptions) {
      if (!matchesPattern(sub.pattern, envelope)) continue;
      // `retrying` until it is delivered: in flight, or waiting for its next attempt.
      const delivery: Delivery = { subscriber: sub.id, status: 'retrying' };
      event.deliveries.push(delivery);
      const p = this.deliver(sub, envelope, delivery, event).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async deliver(sub: Subscription, envelope: Omit<BusEvent, 'deliveries'>, delivery: Delivery, event: BusEvent): Promise<void> {
    let lastError = '';
    for (let attempt = 0; attempt <= this.policy.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.policy.backoffMs * 2 ** (attempt - 1)));
      try {
        await sub.handler(structuredClone(envelope));
        delivery.status = 'delivered';
        return;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    delivery.status = 'dead-lettered';
    this.deadLetters.push({ subscriber: sub.id, event, error: lastError });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') return reply(400, { __type: 'UnknownOperationException', message: 'only PutEvents is emulated' });
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { Entries?: [] };
      reply(200, this.putEvents(body.Entries ?? []));
    } catch (err) {
      reply(400, { __type: (err as { type?: string }).type ?? 'ValidationException', message: (err as Error).message });
    }
  }
}
