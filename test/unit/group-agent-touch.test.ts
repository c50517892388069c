import { describe, expect, it } from 'vitest';
import { GroupAgent } from '../../functions/group/group-agent.js';
import { bootstrap, join } from '../../functions/group/domain/group.js';
import { InMemoryGroupStore } from '../support/fakes/group-store.js';
import { RecordingPublisher } from '../support/fakes/event-publisher.js';

describe("a Secondary's liveness writes", () => {
  it('come only as often as allowed_absence needs: lastSeen never ages past it, with half a check to spare', async () => {
    const intervals = { healthReportMs: 1000, healthCheckMs: 1000, allowedAbsenceMs: 3000 };
    let now = 0;
    const store = new InMemoryGroupStore();
    await store.create({ state: join(bootstrap('a', null, 0).state, 'b', null, 0).state, events: [] });
    const touches: number[] = [];
    const touch = store.touch.bind(store);
    store.touch = async (me: string, at: number) => {
      touches.push(at);
      await touch(me, at);
    };
    const agent = new GroupAgent({ nodeId: 'b', nodeUrl: null, intervals, store, publisher: new RecordingPublisher(), now: () => now });
    for (now = 0; now <= 60_000; now += 1003) {
      store.item!.heartbeatSeq += 1; // The Primary keeps heartbeating, so b never takes over.
      await agent.tick().catch(() => undefined);
    }
    expect(touches.length).toBeGreaterThanOrEqual(19); // lastSeen kept within allowed_absence over the minute
    expect(touches.length).toBeLessThanOrEqual(31); // every other check, not every check (60)
    const gaps = touches.slice(1).map((t, i) => t - touches[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(intervals.allowedAbsenceMs - intervals.healthCheckMs / 2 + 10);
  });
});
