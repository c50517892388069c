import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../functions/adapters/group-store.js';
import { bootstrap, changePrimary, join, roleOf } from '../../functions/group/domain/group.js';
import { createGatewayTable } from '../../local/dynamo.js';
import { freshTable } from '../support/dynamo.js';
import { InMemoryGroupStore } from '../support/fakes/group-store.js';
import type { GroupStore } from '../../functions/group/ports.js';

let t: Awaited<ReturnType<typeof freshTable>>;
/**
 * The group item's conditional writes, on DynamoDB and on the in-memory fake the agents' rules are
 * tested on (test/unit/group-*.test.ts): the same cases, so the fake keeps the table's conditions.
 */
let n = 0;
beforeAll(async () => {
  t = await freshTable();
});
afterAll(async () => t.close());

async function newStore() {
  const name = `grp-${++n}-${Date.now()}`;
  await createGatewayTable(t.endpoint, name);
  return new DynamoGroupStore(t.db, name);
}

const stores: [string, () => Promise<GroupStore>][] = [
  ['DynamoDB', newStore],
  ['the in-memory fake', async () => new InMemoryGroupStore()],
];

describe.each(stores)('takeover races against %s', (_, store) => {
  it('of five nodes taking over at once from the same state, exactly one wins, every time: never two Primaries in an epoch', async () => {
    const group = await store();
    let state = bootstrap('a', null, 0).state;
    for (const id of ['b', 'c', 'd', 'e', 'f']) state = join(state, id, null, 0).state;
    expect(await group.create({ state, events: [] })).toBe(true);
    for (let round = 0; round < 15; round++) {
      const seen = (await group.get())!;
      const contenders = ['a', 'b', 'c', 'd', 'e', 'f'].filter((id) => id !== seen.primary).slice(0, 5);
      const results = await Promise.all(contenders.map((id) => group.change(seen, changePrimary(seen, id, 'primary-absent', round), seen.heartbeatSeq)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const after = (await group.get())!;
      const winner = contenders[results.indexOf(true)];
      expect(after).toMatchObject({ epoch: seen.epoch + 1, primary: winner });
      expect(['a', 'b', 'c', 'd', 'e', 'f'].filter((id) => roleOf(after, id) === 'PRIMARY')).toEqual([winner]);
    }
  });

  it('a takeover loses to a heartbeat that came after what the taker saw', async () => {
    const group = await store();
    const state = join(bootstrap('a', null, 0).state, 'b', null, 0).state;
    await group.create({ state, events: [] });
    const seen = (await group.get())!;
    expect(await group.heartbeat('a', seen.epoch, 10)).toBe(true);
    expect(await group.change(seen, changePrimary(seen, 'b', 'primary-absent', 20), seen.heartbeatSeq)).toBe(false);
    expect((await group.get())!.primary).toBe('a');
  });

  it("a deposed Primary's heartbeat is refused (fencing by epoch)", async () => {
    const group = await store();
    const state = join(bootstrap('a', null, 0).state, 'b', null, 0).state;
    await group.create({ state, events: [] });
    const seen = (await group.get())!;
    await group.change(seen, changePrimary(seen, 'b', 'manual-failover', 5));
    expect(await group.heartbeat('a', seen.epoch, 10)).toBe(false);
    expect(await group.heartbeat('b', seen.epoch + 1, 10)).toBe(true);
  });

  it('a manual failover (settled) waits for the new Primary to heartbeat once: two racing failovers cannot hand the role straight back', async () => {
    const group = await store();
    await group.create({ state: join(bootstrap('a', null, 0).state, 'b', null, 0).state, events: [] });
    const first = (await group.get())!;
    expect(await group.change(first, changePrimary(first, 'b', 'manual-failover', 5), undefined, { settled: true })).toBe(true);
    const second = (await group.get())!;
    expect(await group.change(second, changePrimary(second, 'a', 'manual-failover', 6), undefined, { settled: true })).toBe(false);
    expect(await group.heartbeat('b', second.epoch, 7)).toBe(true);
    const third = (await group.get())!;
    expect(await group.change(third, changePrimary(third, 'a', 'manual-failover', 8), undefined, { settled: true })).toBe(true);
    expect((await group.get())!).toMatchObject({ primary: 'a', epoch: second.epoch + 1 });
  });
});
