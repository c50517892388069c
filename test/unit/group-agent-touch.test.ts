import { describe, expect, it } from 'vitest';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { bootstrap, join, type GroupState } from '../../functions/group/domain/group.js';
import type { DynamoGroupStore } from '../../functions/adapters/group-store.js';

describe("a Secondary's liveness writes", () => {
  it('come only as often as allowed_absence needs: lastSeen never ages past it, with half a check to spare', async () => {
    const intervals = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };
    let now = 0;
    let state: GroupState = join(bootstrap('a', null, 0).state, 'b', null, 0).state;
    const touches: number[] = [];
    const store = {
      get: async () => state,
      // The Primary keeps heartbeating, so b never takes over.
      touch: async (_me: string, at: number) => void touches.push(at),
      outbox: { pending: async () => [], remove: async () => undefined },
    } as unknown as DynamoGroupStore;
    const agent = new GroupAgent({ nodeId: 'b', nodeUrl: null, intervals, store, publisher: { publish: async () => undefined } as never, now: () => now });
    for (now = 0; now <= 60_000; now += 1003) {
      state = { ...state, heartbeatSeq: state.heartbeatSeq + 1 };
      await agent.tick().catch(() => undefined);
    }
    expect(touches.length).toBeLessThanOrEqual(31); // every other check, not every check (60)
    const gaps = touches.slice(1).map((t, i) => t - touches[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(intervals.allowedAbsenceMs - intervals.healthCheckMs / 2 + 10);
  });
});
