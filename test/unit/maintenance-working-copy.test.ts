import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../functions/kernel/errors.js';
import { changeMode, type WorkingCopy } from '../../functions/maintenance/domain/configuration.js';
import type { MaintenanceSession } from '../../functions/maintenance/ports.js';
import { WORKING_COPY_ATTEMPTS, activateWorkingCopy, loadActiveCopy, updateWorkingCopy, type WorkingCopyDeps } from '../../functions/maintenance/working-copy.js';
import { InMemoryConfigurationStore } from '../support/fakes/configuration-store.js';
import { InMemoryMaintenanceSessionStore } from '../support/fakes/maintenance-session-store.js';
import { SERVERS, monitoring } from '../support/maintenance-api-fixture.js';

/** The optimistic working copy of a maintenance session, and its activation, on in-memory stores. */
const NOW = 1_800_000_000_000;

async function setUp() {
  const d: WorkingCopyDeps = { sessions: new InMemoryMaintenanceSessionStore(), configurations: new InMemoryConfigurationStore(), servers: SERVERS, backoff: async () => undefined };
  const session: MaintenanceSession = { idHash: 'h1', principal: { kind: 'session', user: 'admin', readPaths: '.*', writePaths: '.*' }, createdAt: NOW, expiresAt: NOW + 600_000 };
  await d.sessions.create(session);
  const loaded = await loadActiveCopy(d.configurations);
  await updateWorkingCopy(d, session, NOW, () => loaded);
  return { d, sessions: d.sessions as InMemoryMaintenanceSessionStore, read: async () => (await d.sessions.get('h1'))! };
}

const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof GatewayError ? `${e.status} ${e.code}` : String(e)),
  );

describe('the working copy', () => {
  it('parallel changes of one session are all kept: a write over a newer revision is read again and redone', async () => {
    const { d, sessions, read } = await setUp();
    const stale = await read();
    const changes: [string, 'NO_NEW_SESSIONS' | 'DISABLED'][] = [
      ['bam1', 'NO_NEW_SESSIONS'],
      ['bam2', 'DISABLED'],
      ['bam3', 'DISABLED'],
    ];
    // Every call read the same revision, as parallel requests do.
    await Promise.all(changes.map(([host, mode]) => updateWorkingCopy(d, stale, NOW, (wc) => changeMode(wc!, host, mode))));
    expect((await read()).workingCopy!.changes).toEqual({ bam1: 'NO_NEW_SESSIONS', bam2: 'DISABLED', bam3: 'DISABLED' });
    expect(sessions.saves.conflict).toBeGreaterThan(0);
  });

  it('a write to an ended session is a 401; one that keeps losing gives up with a 409 after a bounded number of attempts', async () => {
    const { d, sessions, read } = await setUp();
    const session = await read();
    let attempts = 0;
    const busy: WorkingCopyDeps = {
      ...d,
      sessions: Object.assign(Object.create(sessions), {
        saveWorkingCopy: async () => {
          attempts++;
          return 'conflict' as const;
        },
      }),
    };
    expect(await statusOf(updateWorkingCopy(busy, session, NOW, (wc) => wc!))).toBe('409 CONFLICT');
    expect(attempts).toBe(WORKING_COPY_ATTEMPTS);
    await sessions.delete('h1');
    expect(await statusOf(updateWorkingCopy(d, session, NOW, (wc) => wc!))).toBe('401 UNAUTHORIZED');
  });

  it('every write slides the idle expiry', async () => {
    const { d, read } = await setUp();
    await updateWorkingCopy(d, await read(), NOW + 300_000, (wc) => wc!);
    expect((await read()).expiresAt).toBe(NOW + 900_000);
  });
});

describe('activating it', () => {
  const order = (comment: string) => ({ comment, options: {}, by: 'admin', monitor: Promise.resolve(monitoring(NOW)), now: NOW });

  it('commits the changes with their events, and the working copy becomes what was activated', async () => {
    const { d, read } = await setUp();
    await updateWorkingCopy(d, await read(), NOW, (wc) => changeMode(wc!, 'bam2', 'NO_NEW_SESSIONS'));
    const result = await activateWorkingCopy(d, await read(), order('drain bam2'));
    expect(result).toMatchObject({ version: 1, activated: true, changes: [{ host: 'bam2', previous: 'ENABLED', new: 'NO_NEW_SESSIONS' }] });
    expect((await read()).workingCopy).toEqual<WorkingCopy>({ version: 1, base: { bam2: 'NO_NEW_SESSIONS' }, changes: {} });
    expect((await d.configurations.outbox.pending()).map((e) => e.detailType)).toEqual(['BACKEND_HOST_MODE_CHANGED', 'CONFIGURATION_ACTIVATED']);
  });

  it('is refused without a loaded working copy, and when another activation wins the write meanwhile', async () => {
    const { d, read } = await setUp();
    const { workingCopy: _, ...unloaded } = await read();
    expect(await statusOf(activateWorkingCopy(d, unloaded, order('x')))).toBe('400 NO_WORKING_COPY');
    await updateWorkingCopy(d, await read(), NOW, (wc) => changeMode(wc!, 'bam2', 'NO_NEW_SESSIONS'));
    const store = d.configurations as InMemoryConfigurationStore;
    const active = await store.get();
    store.beforeWrite = async () => {
      await store.activate(active, { bam1: 'NO_NEW_SESSIONS' }, { version: 1, comment: 'other', by: 'someone', at: NOW, hosts: ['bam1'] }, []);
    };
    expect(await statusOf(activateWorkingCopy(d, await read(), order('mine')))).toBe('409 OUTDATED_CONFIGURATION');
    expect(await store.get()).toMatchObject({ version: 1, modes: { bam1: 'NO_NEW_SESSIONS' } });
  });
});
