import { describe, expect, it } from 'vitest';
import { consequence, type HostStatus } from '../../ui/src/maintenance-consequence.js';

/** The maintenance confirm dialog says what docs/maintenance.md says a change does, and nothing it does not. */
const host = (name: string, role: string, count = 3): HostStatus => ({ name, role, mode: 'ENABLED', health: 'UP', SessionCount: { Count: count } });
const hosts = [host('bam1', 'STANDBY'), host('bam2', 'PRIMARY')];
const alias = { target: 'primary-address-manager', restorable: false };

describe('consequence', () => {
  it.each(['DISABLED', 'NO_NEW_SESSIONS'] as const)('%s on the Primary: a planned switchover, nothing about its sessions ending now', (mode) => {
    const { body } = consequence({ kind: 'host', host: hosts[1]!, mode }, hosts, null, alias);
    expect(body).toMatch(/planned switchover to bam1/);
    expect(body).toMatch(/held \(up to 10 s\) until the switchover completes/);
    expect(body).toMatch(/Restorable sessions continue on bam1; other sessions through primary-address-manager and sessions pinned to bam2 end/);
    expect(body).not.toMatch(/end now|keep working until they end|open session/);
    expect(body).toMatch(/Your own session ends too/);
  });

  it('tells a restorable alias operator that their session continues, a pinned one that it ends', () => {
    const pending = { kind: 'host' as const, host: hosts[1]!, mode: 'DISABLED' as const };
    expect(consequence(pending, hosts, null, { ...alias, restorable: true }).body).toMatch(/Your own session is restorable: it continues on bam1\./);
    expect(consequence(pending, hosts, null, { target: 'bam2', restorable: true }).body).toMatch(/Your own session ends too/);
  });

  it('a Standby: its own sessions end now (disable) or keep working (drain)', () => {
    expect(consequence({ kind: 'host', host: hosts[0]!, mode: 'DISABLED' }, hosts, null, alias).body).toBe(
      'bam1 goes out of service for maintenance: its 3 open sessions end now and its users must log in again.',
    );
    expect(consequence({ kind: 'host', host: hosts[0]!, mode: 'NO_NEW_SESSIONS' }, hosts, null, alias).body).toMatch(/keep working until they end\.$/);
  });

  it('the Primary with no Standby to take over: refused', () => {
    expect(consequence({ kind: 'host', host: hosts[1]!, mode: 'DISABLED' }, [hosts[1]!], null, alias).body).toMatch(/no healthy enabled Standby can take over/);
  });

  it('read again as the dialog opens: a switchover that already happened is not promised again', () => {
    // The dialog was asked for bam2 as the Primary; the state read as it opened has bam1 Primary and bam2 a drained Standby.
    const now = [host('bam1', 'PRIMARY'), { ...host('bam2', 'STANDBY', 0), mode: 'NO_NEW_SESSIONS' }];
    const { body } = consequence({ kind: 'host', host: now[1]!, mode: 'NO_NEW_SESSIONS' }, now, null, alias);
    expect(body).toBe('bam2 is already in this mode (NO_NEW_SESSIONS): activating it again changes nothing.');
    expect(body).not.toMatch(/switchover/);
  });
});
