import { describe, expect, it } from 'vitest';
import {
  changeMode,
  findHost,
  healthOf,
  hostsOf,
  isOurGroup,
  parseMode,
  planActivation,
  validate,
  viewOf,
  type Activation,
  type MonitorView,
  type WorkingCopy,
} from '../../functions/maintenance/domain/configuration.js';

const servers = [
  { name: 'bam1', url: 'http://127.0.0.1:4001' },
  { name: 'bam2', url: 'http://127.0.0.1:4002' },
  { name: 'bam3', url: 'https://bam3.example.com' },
];
const hosts = hostsOf(servers, { bam2: 'NO_NEW_SESSIONS' });

describe('hosts from the configured BAM servers', () => {
  it('takes protocol, hostName and port from the URL, with the Airlock defaults', () => {
    expect(hosts).toEqual([
      { name: 'bam1', protocol: 'HTTP', hostName: '127.0.0.1', port: 4001, mode: 'ENABLED', spare: false, weight: 100 },
      { name: 'bam2', protocol: 'HTTP', hostName: '127.0.0.1', port: 4002, mode: 'NO_NEW_SESSIONS', spare: false, weight: 100 },
      { name: 'bam3', protocol: 'HTTPS', hostName: 'bam3.example.com', port: 443, mode: 'ENABLED', spare: false, weight: 100 },
    ]);
  });
});

describe('addressing', () => {
  it.each([
    ['1', true],
    ['address-manager', true],
    ['Address-Manager', false], // names are exact: a path right written for one spelling covers the only one
    ['2', false],
    ['webapp', false],
    ['01', false],
  ])('group %s is ours: %s', (ref, ours) => {
    expect(isOurGroup(ref)).toBe(ours);
  });

  it.each([
    [{ protocol: 'HTTP', hostName: 'bam2', port: '80' }, 'bam2'], // the reference's form: name, whatever the port
    [{ hostName: 'bam1' }, 'bam1'],
    [{ protocol: 'HTTP', hostName: '127.0.0.1', port: '4002' }, 'bam2'],
    [{ protocol: 'http', hostName: '127.0.0.1', port: 4001 }, 'bam1'],
    [{ hostName: 'BAM3.example.com' }, 'bam3'],
    [{ protocol: 'HTTPS', hostName: 'bam3.example.com', port: 443 }, 'bam3'],
  ])('%j is host %s', (ref, name) => {
    const found = findHost(hosts, ref);
    expect('host' in found && found.host.name).toBe(name);
  });

  it.each([
    [{ hostName: 'bam9' }, 'not-found'],
    [{ protocol: 'HTTPS', hostName: '127.0.0.1', port: 4001 }, 'not-found'],
    [{ hostName: '127.0.0.1', port: 4009 }, 'not-found'],
    [{ hostName: '127.0.0.1' }, 'bad-request'], // two hosts share it: ambiguous
    [{}, 'bad-request'],
    [{ hostName: 42 }, 'bad-request'],
    [{ hostName: '127.0.0.1', port: 'eighty' }, 'bad-request'],
    [{ hostName: '127.0.0.1', port: 70000 }, 'bad-request'],
    [{ hostName: '127.0.0.1', port: 4001, protocol: 'FTP' }, 'bad-request'],
  ])('%j is refused as %s', (ref, problem) => {
    expect(findHost(hosts, ref)).toMatchObject({ problem });
  });

  it.each([
    ['ENABLED', 'ENABLED'],
    ['NO_NEW_SESSIONS', 'NO_NEW_SESSIONS'],
    ['DISABLED', 'DISABLED'],
    ['disabled', undefined],
    ['DRAIN', undefined],
    [1, undefined],
    [null, undefined],
  ])('mode %j parses to %s', (raw, mode) => {
    expect(parseMode(raw)).toBe(mode);
  });
});

describe('working copy', () => {
  const wc: WorkingCopy = { version: 3, base: { bam2: 'NO_NEW_SESSIONS' }, changes: {} };
  it('a change shows on top of what was loaded; changing back drops it', () => {
    const drained = changeMode(wc, 'bam1', 'DISABLED');
    expect(viewOf(drained)).toEqual({ bam2: 'NO_NEW_SESSIONS', bam1: 'DISABLED' });
    expect(changeMode(drained, 'bam1', 'ENABLED').changes).toEqual({});
    expect(changeMode(wc, 'bam2', 'NO_NEW_SESSIONS').changes).toEqual({});
    expect(wc.changes).toEqual({}); // the input is not mutated
  });
});

describe('validator messages', () => {
  const names = ['bam1', 'bam2'];
  const monitor = (standby: { role: string; health: string }): MonitorView => ({ primary: 'bam1', servers: { bam1: { role: 'PRIMARY', health: 'UP' }, bam2: standby } });
  const healthy = monitor({ role: 'STANDBY', health: 'UP' });

  it.each([
    ['draining the Standby', {}, { bam2: 'NO_NEW_SESSIONS' }, healthy, []],
    ['disabling the Standby', {}, { bam2: 'DISABLED' }, healthy, []],
    ['every host out', {}, { bam1: 'NO_NEW_SESSIONS', bam2: 'DISABLED' }, healthy, ['ERROR', 'ERROR']],
    ['the Primary out, healthy ENABLED Standby: a planned switchover', {}, { bam1: 'DISABLED' }, healthy, ['WARNING']],
    ['the Primary drained, healthy ENABLED Standby: a planned switchover', {}, { bam1: 'NO_NEW_SESSIONS' }, healthy, ['WARNING']],
    [
      'the Primary out, Standby just re-enabled (the monitor still shows MAINTENANCE)',
      { bam2: 'DISABLED' },
      { bam1: 'NO_NEW_SESSIONS' },
      monitor({ role: 'STANDBY', health: 'MAINTENANCE' }),
      ['WARNING'],
    ],
    ['the Primary out, Standby DISABLED and stopped', {}, { bam1: 'NO_NEW_SESSIONS', bam2: 'DISABLED' }, monitor({ role: 'UNKNOWN', health: 'MAINTENANCE' }), ['ERROR', 'ERROR']],
    ['the Primary out, Standby down', {}, { bam1: 'NO_NEW_SESSIONS' }, monitor({ role: 'STANDBY', health: 'DOWN' }), ['ERROR']],
    ['the Primary out, Standby drained', { bam2: 'NO_NEW_SESSIONS' }, { bam1: 'DISABLED', bam2: 'NO_NEW_SESSIONS' }, healthy, ['ERROR', 'ERROR']],
    ['the Primary out, no Standby role known', {}, { bam1: 'DISABLED' }, monitor({ role: 'UNKNOWN', health: 'UP' }), ['ERROR']],
    ['the Primary already out: no new switchover', { bam1: 'DISABLED' }, { bam1: 'DISABLED' }, monitor({ role: 'STANDBY', health: 'DOWN' }), []],
    ['no monitor state yet', {}, { bam1: 'DISABLED' }, undefined, []],
  ] as const)('%s', (_, current, next, view, severities) => {
    expect(validate(names, current, next, view).map((m) => m.severity)).toEqual(severities);
  });

  it('refuses a Standby the machine would not switch to (a failing probe), and a Primary whose last switchover is blocked', () => {
    const failing: MonitorView = { primary: 'bam1', servers: { bam1: { role: 'PRIMARY', health: 'UP' }, bam2: { role: 'STANDBY', health: 'UP', consecutiveFailures: 1 } } };
    expect(validate(names, {}, { bam1: 'NO_NEW_SESSIONS' }, failing).map((m) => m.severity)).toEqual(['ERROR']);
    const [blocked] = validate(names, {}, { bam1: 'NO_NEW_SESSIONS' }, { ...healthy, blockedFrom: 'bam1' });
    expect(blocked).toEqual({ severity: 'ERROR', detail: expect.stringMatching(/last planned switchover did not complete: enable it/) });
  });

  it('while a planned switchover runs, refuses taking its target out (the race that made a DISABLED host Primary); the others may change', () => {
    const switching: MonitorView = { primary: null, servers: { bam1: { role: 'PRIMARY', health: 'UP' }, bam2: { role: 'STANDBY', health: 'UP' } }, switchover: { from: 'bam1', target: 'bam2' } };
    const [m] = validate(names, { bam1: 'NO_NEW_SESSIONS' }, { bam1: 'ENABLED', bam2: 'DISABLED' }, switching);
    expect(m).toEqual({ severity: 'ERROR', detail: expect.stringMatching(/switchover from bam1 to bam2 is in progress: bam2 must stay ENABLED/) });
    expect(validate(names, { bam1: 'NO_NEW_SESSIONS' }, { bam1: 'DISABLED' }, switching)).toEqual([]);
  });

  it('while an unplanned failover runs, refuses taking out a host that answers (it may become the Primary), not one that is down', () => {
    const failing: MonitorView = { primary: null, failover: true, servers: { bam1: { role: 'UNKNOWN', health: 'DOWN' }, bam2: { role: 'STANDBY', health: 'UP' } } };
    expect(validate(names, {}, { bam2: 'DISABLED' }, failing)).toEqual([{ severity: 'ERROR', detail: expect.stringMatching(/unplanned failover is in progress and bam2 may become the Primary/) }]);
    expect(validate(names, {}, { bam1: 'DISABLED' }, failing)).toEqual([]);
  });

  it('a drained host disabled counts as taken out: during a failover, and for a Primary whose switchover is blocked', () => {
    const failing: MonitorView = { primary: null, failover: true, servers: { bam1: { role: 'STANDBY', health: 'UP' }, bam2: { role: 'UNKNOWN', health: 'DOWN' } } };
    expect(validate(names, { bam1: 'NO_NEW_SESSIONS' }, { bam1: 'DISABLED' }, failing).map((m) => m.severity)).toEqual(['ERROR']);
    const blocked: MonitorView = { ...healthy, blockedFrom: 'bam1' };
    expect(validate(names, { bam1: 'NO_NEW_SESSIONS' }, { bam1: 'DISABLED' }, blocked)).toEqual([{ severity: 'ERROR', detail: expect.stringMatching(/last planned switchover did not complete/) }]);
  });

  it('enabling the old Primary during its switchover is allowed, with a warning that it stops nothing', () => {
    const switching: MonitorView = { primary: null, servers: { bam1: { role: 'PRIMARY', health: 'UP' }, bam2: { role: 'STANDBY', health: 'UP' } }, switchover: { from: 'bam1', target: 'bam2' } };
    expect(validate(names, { bam1: 'NO_NEW_SESSIONS' }, {}, switching)).toEqual([{ severity: 'WARNING', detail: expect.stringMatching(/enabling bam1 does not stop it/) }]);
  });

  it('says which Primary and why', () => {
    const [m] = validate(names, {}, { bam1: 'DISABLED' }, monitor({ role: 'STANDBY', health: 'DOWN' }));
    expect(m!.detail).toMatch(/bam1 is the Primary.*healthy ENABLED Standby/);
  });

  it('warns that taking the current Primary out with a healthy Standby starts a planned switchover, naming the target', () => {
    const [m] = validate(names, {}, { bam1: 'NO_NEW_SESSIONS' }, healthy);
    expect(m).toEqual({ severity: 'WARNING', detail: expect.stringMatching(/bam1 is the Primary: activating starts a planned switchover to bam2/) });
  });
});

describe('activation', () => {
  const history: Activation[] = [
    { version: 4, comment: '', by: 'x', at: 1, hosts: ['bam3'] },
    { version: 5, comment: '', by: 'y', at: 2, hosts: ['bam1'] },
  ];
  const active = { version: 5, modes: { bam1: 'NO_NEW_SESSIONS' as const, bam3: 'DISABLED' as const }, history };

  it('an up-to-date working copy wins whole', () => {
    const plan = planActivation({ version: 5, base: active.modes, changes: { bam2: 'DISABLED' } }, active, {});
    expect(plan).toEqual({ modes: { bam1: 'NO_NEW_SESSIONS', bam2: 'DISABLED', bam3: 'DISABLED' }, changed: ['bam2'], merged: false });
  });

  it('an outdated one is refused, whatever it changes', () => {
    expect(planActivation({ version: 3, base: {}, changes: { bam2: 'DISABLED' } }, active, {})).toMatchObject({ outdated: true, detail: expect.stringMatching(/version 3, now 5/) });
  });

  it('ignoreOutdatedConfiguration: the working copy overwrites the concurrent changes', () => {
    const plan = planActivation({ version: 3, base: {}, changes: { bam2: 'DISABLED' } }, active, { ignoreOutdatedConfiguration: true });
    expect(plan).toEqual({ modes: { bam2: 'DISABLED' }, changed: ['bam1', 'bam2', 'bam3'], merged: false });
  });

  it('autoMerge: changes to other hosts go on top of the active modes', () => {
    const plan = planActivation({ version: 3, base: {}, changes: { bam2: 'DISABLED' } }, active, { autoMerge: true });
    expect(plan).toEqual({ modes: { bam1: 'NO_NEW_SESSIONS', bam2: 'DISABLED', bam3: 'DISABLED' }, changed: ['bam2'], merged: true });
  });

  it('autoMerge: a host changed on both sides is refused', () => {
    expect(planActivation({ version: 3, base: {}, changes: { bam1: 'DISABLED' } }, active, { autoMerge: true })).toMatchObject({ outdated: true, detail: expect.stringMatching(/bam1/) });
  });

  it('autoMerge: activations the history no longer covers are refused (nothing to compare)', () => {
    expect(planActivation({ version: 1, base: {}, changes: { bam2: 'DISABLED' } }, active, { autoMerge: true })).toMatchObject({ outdated: true });
  });

  it('a DISABLED host shows health MAINTENANCE', () => {
    expect([healthOf('DISABLED', 'UP'), healthOf('NO_NEW_SESSIONS', 'UP'), healthOf('ENABLED', 'DOWN'), healthOf('ENABLED', undefined)]).toEqual(['MAINTENANCE', 'UP', 'DOWN', 'DOWN']);
    // Enabled again before the monitor's next round: what that round will say.
    expect([healthOf('ENABLED', 'MAINTENANCE', 0), healthOf('ENABLED', 'MAINTENANCE', 3)]).toEqual(['UP', 'DOWN']);
  });
});
