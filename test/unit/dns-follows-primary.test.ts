import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client, type Change, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Context } from 'aws-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The DNS subscriber against a Route 53 double that keeps Route 53's rules that matter here: a
 * change batch applies whole or not at all, DELETE must match the record exactly, CREATE fails
 * on an existing record (both: InvalidChangeBatch), and lists are ordered by name.
 */
const ZONE = 'Z0123456789ABC';
const NAME = 'gateway.example.com';
let records: Map<string, ResourceRecordSet>;
let changes: Change[][];
let failNextChange: Error | undefined;
const r53 = mockClient(Route53Client);
// The group state, as the nodes' agents recorded their API URLs (from the NODE_URL CDK gave them).
const ddb = mockClient(DynamoDBDocumentClient);
const members = (urls: Record<string, string | null>) => Object.fromEntries(Object.entries(urls).map(([id, url]) => [id, { id, url, joinedAt: 0, lastSeen: 0 }]));
let groupUrls: Record<string, string | null>;

const key = (s: ResourceRecordSet) => `${s.Name}|${s.Type}`;
const same = (x: ResourceRecordSet, y: ResourceRecordSet) => JSON.stringify({ ...x }) === JSON.stringify({ ...y });
const invalid = (message: string) => Object.assign(new Error(message), { name: 'InvalidChangeBatch' });

function installRoute53() {
  r53.reset();
  r53.on(ListResourceRecordSetsCommand).callsFake(async (input: { StartRecordName: string; StartRecordType: string; MaxItems: number }) => {
    const sorted = [...records.values()].sort((x, y) => key(x).localeCompare(key(y)));
    const from = sorted.filter((s) => key(s) >= `${input.StartRecordName}|${input.StartRecordType}`);
    return { ResourceRecordSets: from.slice(0, input.MaxItems), IsTruncated: from.length > input.MaxItems };
  });
  r53.on(ChangeResourceRecordSetsCommand).callsFake(async (input: { HostedZoneId: string; ChangeBatch: { Changes: Change[] } }) => {
    expect(input.HostedZoneId).toBe(ZONE);
    if (failNextChange) {
      const err = failNextChange;
      failNextChange = undefined;
      throw err;
    }
    const next = new Map(records);
    for (const c of input.ChangeBatch.Changes) {
      const set = structuredClone(c.ResourceRecordSet!);
      const existing = next.get(key(set));
      if (c.Action === 'DELETE') {
        if (!existing || !same(existing, set)) throw invalid(`Tried to delete resource record set [name='${set.Name}', type='${set.Type}'] but the values provided do not match the current values`);
        next.delete(key(set));
      } else if (c.Action === 'CREATE') {
        if (existing) throw invalid(`Tried to create resource record set [name='${set.Name}', type='${set.Type}'] but it already exists`);
        next.set(key(set), set);
      } else next.set(key(set), set);
    }
    records = next;
    changes.push(input.ChangeBatch.Changes);
    return { ChangeInfo: { Id: `/change/C${changes.length}`, Status: 'PENDING', SubmittedAt: new Date() } };
  });
}

let handler: (event: unknown, ctx: Context) => Promise<void>;
beforeAll(async () => {
  process.env.DNS_HOSTED_ZONE_ID = ZONE;
  process.env.DNS_RECORD_NAME = NAME;
  process.env.DNS_NODE_IDS = 'a,b';
  process.env.TABLE_NAME = 'gateway';
  handler = (await import('../../functions/lambdas/subscribers/dns-follows-primary.js')).handler as never;
});
afterAll(() => (r53.restore(), ddb.restore()));
beforeEach(() => {
  groupUrls = { a: 'https://a.execute-api.example.com/', b: 'https://b.execute-api.example.com/' };
  ddb.reset();
  ddb.on(GetCommand, { Key: { pk: 'GROUP', sk: 'STATE' } }).callsFake(async () => ({ Item: { version: 1, epoch: 1, primary: 'a', members: members(groupUrls) } }));
  records = new Map();
  changes = [];
  failNextChange = undefined;
  installRoute53();
});

const ctx = {} as Context;
const roleEvent = (node: string, to: string, epoch: number, eventId: string, kind = 'gateway', url: string | null = `https://${node}.execute-api.example.com/`) => ({
  version: '0',
  id: `eb-${Math.random()}`, // EventBridge's own id differs on every publish; the gateway's eventId does not
  source: 'failover-gateway',
  'detail-type': 'NODE_ROLE_CHANGED',
  time: '2026-01-01T00:00:00Z',
  detail: { node: { kind, id: node, url }, previous: to === 'PRIMARY' ? 'SECONDARY' : 'PRIMARY', new: to, epoch, occurredAt: '2026-01-01T00:00:00.000Z', reason: 'primary-absent', eventId },
});
const cname = () => records.get(`${NAME}.|CNAME`)?.ResourceRecords?.[0]?.Value;

describe('DNS follows the Primary (Route 53, aws-sdk-client-mock)', () => {
  it('a gateway node becoming PRIMARY: one atomic batch points the name at its API and records the event', async () => {
    await handler(roleEvent('b', 'PRIMARY', 2, 'g7-1'), ctx);
    expect(cname()).toBe('b.execute-api.example.com');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.map((c) => `${c.Action} ${c.ResourceRecordSet!.Type} ${c.ResourceRecordSet!.Name}`)).toEqual([
      'CREATE TXT _gateway-primary.gateway.example.com.',
      'UPSERT CNAME gateway.example.com.',
    ]);
    expect(records.get('_gateway-primary.gateway.example.com.|TXT')?.ResourceRecords?.[0]?.Value).toBe('"epoch=2 event=g7-1 node=b"');
  });

  it('a duplicate delivery of the same event changes nothing (idempotent on eventId)', async () => {
    const event = roleEvent('b', 'PRIMARY', 2, 'g7-1');
    await handler(event, ctx);
    await handler({ ...event, id: 'eb-redelivered' }, ctx);
    expect(changes).toHaveLength(1);
    expect(r53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
  });

  it('throttled: the handler fails (EventBridge retries the event), and the retry applies it once', async () => {
    failNextChange = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    const event = roleEvent('a', 'PRIMARY', 3, 'g9-1');
    await expect(handler(event, ctx)).rejects.toThrow('Rate exceeded');
    expect(cname()).toBeUndefined(); // nothing applied by the failed batch
    await handler(event, ctx);
    await handler(event, ctx); // and a duplicate of the retried delivery
    expect(cname()).toBe('a.execute-api.example.com');
    expect(changes).toHaveLength(1);
  });

  it('an older epoch delivered late never points the name back at the old Primary', async () => {
    await handler(roleEvent('a', 'PRIMARY', 3, 'g9-1'), ctx);
    await handler(roleEvent('b', 'PRIMARY', 2, 'g7-1'), ctx);
    expect(cname()).toBe('a.execute-api.example.com');
    expect(changes).toHaveLength(1);
  });

  it('two promotions delivered at once: the newer epoch wins whichever lands first', async () => {
    for (const order of [
      [2, 3],
      [3, 2],
    ]) {
      records = new Map();
      changes = [];
      const events = { 2: roleEvent('b', 'PRIMARY', 2, 'g7-1'), 3: roleEvent('a', 'PRIMARY', 3, 'g9-1') } as Record<number, unknown>;
      await Promise.all(order.map((e) => handler(events[e], ctx)));
      expect(cname(), `order ${order}`).toBe('a.execute-api.example.com');
      expect(records.get('_gateway-primary.gateway.example.com.|TXT')?.ResourceRecords?.[0]?.Value).toBe('"epoch=3 event=g9-1 node=a"');
    }
  });

  it('its rule pattern delivers only gateway nodes becoming PRIMARY (the local bus matches as EventBridge does)', async () => {
    const { matchesPattern } = await import('../../local/event-pattern-match.js');
    const { patterns } = await import('../../functions/events/domain/event-patterns.js');
    expect(matchesPattern(patterns.gatewayNodePromoted, roleEvent('b', 'PRIMARY', 2, 'g7-1'))).toBe(true);
    expect(matchesPattern(patterns.gatewayNodePromoted, roleEvent('b', 'SECONDARY', 2, 'g7-0'))).toBe(false);
    expect(matchesPattern(patterns.gatewayNodePromoted, roleEvent('bam2', 'PRIMARY', 2, 'm4-0', 'address-manager'))).toBe(false);
  });

  it('ignores what is not a gateway node becoming PRIMARY, without calling Route 53', async () => {
    await handler(roleEvent('b', 'SECONDARY', 2, 'g7-0'), ctx);
    await handler(roleEvent('bam2', 'PRIMARY', 2, 'm4-0', 'address-manager', 'https://10.0.0.2'), ctx);
    expect(r53.calls()).toHaveLength(0);
  });

  it('a gateway node without an API URL is an error an operator must see (the event is retried, then dead-lettered)', async () => {
    groupUrls.b = null;
    await expect(handler(roleEvent('b', 'PRIMARY', 2, 'g7-1', 'gateway', null), ctx)).rejects.toThrow(/no API URL/);
    expect(r53).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
  });

  it('an event naming a node outside the group, or a URL its agent never recorded, is refused: Route 53 is never called', async () => {
    await handler(roleEvent('evil', 'PRIMARY', 9, 'g99-1', 'gateway', 'https://attacker.example.net/'), ctx);
    await handler(roleEvent('b', 'PRIMARY', 9, 'g99-2', 'gateway', 'https://attacker.example.net/'), ctx);
    expect(r53.calls()).toHaveLength(0);
    expect(cname()).toBeUndefined();
  });
});
