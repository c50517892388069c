import { describe, expect, it } from 'vitest';
import { bootstrap, changePrimary, decide, failoverTarget, join, roleOf, type GroupState } from '../../functions/group/domain/group.js';

const iv = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };
const group = (): GroupState => join(bootstrap('a', 'http://a', 0).state, 'b', 'http://b', 0).state;

describe('availability group decisions', () => {
  it('the first node creates the group as Primary; the next joins as Secondary', () => {
    expect(decide(undefined, 'a', undefined, 0, iv).action.kind).toBe('bootstrap');
    const created = bootstrap('a', 'http://a', 0);
    expect(roleOf(created.state, 'a')).toBe('PRIMARY');
    expect(created.events[0]!.detail).toMatchObject({ node: { kind: 'gateway', id: 'a', url: 'http://a' }, previous: null, new: 'PRIMARY', epoch: 1 });
    expect(decide(created.state, 'b', undefined, 0, iv).action.kind).toBe('join');
    const joined = join(created.state, 'b', 'http://b', 10);
    expect(roleOf(joined.state, 'b')).toBe('SECONDARY');
    expect(joined.events[0]!.detail).toMatchObject({ previous: 'NOT_IN_GROUP', new: 'SECONDARY' });
    expect(roleOf(joined.state, 'c')).toBe('NOT_IN_GROUP');
  });

  it('the Primary heartbeats', () => {
    expect(decide(group(), 'a', undefined, 5000, iv).action.kind).toBe('heartbeat');
  });

  it("a Secondary waits while the heartbeat advances, however old the Primary's own clock says it is", () => {
    let s = group();
    let seen = decide(s, 'b', undefined, 0, iv).seen;
    for (let t = 1000; t <= 10_000; t += 1000) {
      s = { ...s, heartbeatSeq: s.heartbeatSeq + 1, lastHeartbeatAt: -1e9 }; // skewed clock on the Primary
      const d = decide(s, 'b', seen, t, iv);
      expect(d.action.kind).toBe('wait');
      seen = d.seen;
    }
  });

  it('a Secondary takes over once the heartbeat has not moved for longer than the allowed absence', () => {
    const s = group();
    const first = decide(s, 'b', undefined, 0, iv);
    expect(decide(s, 'b', first.seen, 3000, iv).action.kind).toBe('wait');
    expect(decide(s, 'b', first.seen, 3001, iv).action.kind).toBe('takeover');
  });

  it('a node that just started waits a full allowed absence before taking over', () => {
    const s = group();
    expect(decide(s, 'b', undefined, 1_000_000, iv).action.kind).toBe('wait');
  });

  it('with no Primary at all, a Secondary takes over at once', () => {
    expect(decide({ ...group(), primary: null }, 'b', undefined, 0, iv).action.kind).toBe('takeover');
  });

  it('a change of Primary is a new epoch with exactly one Primary, and two role events', () => {
    const s = group();
    const c = changePrimary(s, 'b', 'takeover', 5000);
    expect(c.state).toMatchObject({ epoch: s.epoch + 1, primary: 'b', version: s.version + 1 });
    expect(roleOf(c.state, 'a')).toBe('SECONDARY');
    expect(c.events.map((e) => `${(e.detail as { node: { id: string } }).node.id}:${(e.detail as { previous: string }).previous}->${(e.detail as { new: string }).new}`)).toEqual([
      'a:PRIMARY->SECONDARY',
      'b:SECONDARY->PRIMARY',
    ]);
    expect(c.events.map((e) => e.id)).toEqual([`g${c.state.version}-0`, `g${c.state.version}-1`]);
  });

  it('a returning old Primary finds it is a Secondary', () => {
    const after = changePrimary(group(), 'b', 'takeover', 5000).state;
    expect(roleOf(after, 'a')).toBe('SECONDARY');
    expect(decide(after, 'a', undefined, 6000, iv).action.kind).toBe('wait');
  });

  it('a manual failover goes to a member seen recently, never to a silent one', () => {
    const s = group();
    expect(failoverTarget(s, 2000, iv)).toBe('b');
    expect(failoverTarget(s, 10_000, iv)).toBeUndefined();
  });
});

describe('group agent timing', () => {
  it('a Secondary wakes exactly when the allowed absence runs out, not up to a check interval later', async () => {
    const { GroupAgent } = await import('../../functions/group/group-agent.js');
    const state = group();
    const store = { get: async () => state, touch: async () => undefined, outbox: { pending: async () => [] } };
    let now = 10_000;
    const agent = new GroupAgent({ nodeId: 'b', nodeUrl: null, intervals: iv, store: store as never, publisher: { publish: async () => ({ published: [], failed: [] }) }, now: () => now });
    await agent.tick(); // first sees the heartbeat at 10 000
    expect(agent.role).toBe('SECONDARY');
    expect(agent.nextTickAt(10_000)).toBe(11_000);
    now = 12_500;
    await agent.tick(); // the heartbeat has not moved
    expect(agent.nextTickAt(12_500)).toBe(13_001); // the deadline, sooner than 13 500
  });
});
