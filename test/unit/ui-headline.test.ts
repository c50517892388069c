import { describe, expect, it } from 'vitest';
import { headlineOf } from '../../ui/src/headline.js';
import { FAST_MS, RETRY_MS, STEADY_MS, changeKey, nextDelayMs } from '../../ui/src/poll-schedule.js';
import { answer, iso, node, NOW, server } from './ui-fixtures.js';

describe('the status headline', () => {
  it('is healthy when every server and node answers and the data is fresh', () => {
    expect(headlineOf(answer(), NOW, true)).toEqual({ level: 'healthy', title: 'Healthy', details: ['bam1 Primary, bam2 Standby; gateway nodes a and b up.'] });
  });

  it('is degraded with each reason: a server down (since when), a node without heartbeat, data older than the monitor writes it', () => {
    const a = answer({
      status: { servers: [server('bam1'), server('bam2', { role: 'UNKNOWN', health: 'DOWN', consecutive_failures: 3, failing_since: iso(NOW - 75_000) })], updated_at: iso(NOW - 40_000) },
      nodes: [node('a'), node('b', { available: false, last_seen: iso(NOW - 9000) })],
    });
    const h = headlineOf(a, NOW, true);
    expect(h.level).toBe('degraded');
    expect(h.title).toBe('Degraded: 3 problems');
    expect(h.details).toEqual(['bam2 down for 75 s', 'gateway node b: no heartbeat for 9 s', 'monitor data 40 s old']);
  });

  it('during a failover says which server is unreachable, since when and why, what happens next, and tells an admin what to do', () => {
    const a = answer({
      status: {
        monitoring_state: 'FAILOVER_IN_PROGRESS',
        primary_url: null,
        failover_started_at: iso(NOW - 12_000),
        servers: [server('bam1', { role: 'UNKNOWN', health: 'DOWN', consecutive_failures: 4, failing_since: iso(NOW - 14_000), last_failure: 'liveness: unreachable' }), server('bam2')],
      },
    });
    const admin = headlineOf(a, NOW, true);
    expect(admin.level).toBe('failover');
    expect(admin.title).toBe('Address Manager failover in progress');
    expect(admin.details[0]).toMatch(/12 s ago\. bam1 \(the Primary\) is unreachable since .*: health check refuses connections\.$/);
    expect(admin.details[2]).toBe('To end it: promote bam2 in Address Manager, or bring bam1 back.');
    expect(headlineOf(a, NOW, false).details[2]).toMatch(/^Your session stays/);
    // The title stays the same second after second: a screen reader hears it once.
    expect(headlineOf(a, NOW + 5000, true).title).toBe(admin.title);
  });

  it('a split brain names both servers, whichever state the monitor is in', () => {
    const a = answer({ status: { split_brain: true, split_brain_servers: ['bam1', 'bam2'], primary_url: 'http://bam2:8080' } });
    const h = headlineOf(a, NOW, true);
    expect(h).toMatchObject({ level: 'split-brain', title: 'Split brain: bam1 and bam2 both claim to be the Primary' });
    expect(h.details.join(' ')).toMatch(/keeps bam2.*re-add bam1 as a Standby/);
  });

  it('a planned switchover names both servers and its deadline', () => {
    const a = answer({
      status: { monitoring_state: 'SWITCHOVER_IN_PROGRESS', switchover: { state: 'IN_PROGRESS', from: 'bam1', target: 'bam2', startedAt: iso(NOW - 2000), deadline: iso(NOW + 8000) } },
    });
    expect(headlineOf(a, NOW, true)).toMatchObject({ level: 'switchover', title: 'Planned switchover from bam1 to bam2 in progress' });
  });
});

describe('polling proportional to change', () => {
  it('reads every 10 s when steady, every 2 s during a failover or switchover and for 30 s after a change, every 5 s when the gateway does not answer', () => {
    const steady = answer();
    expect(nextDelayMs({ last: steady, changedAt: 0, now: NOW, failed: false })).toBe(STEADY_MS);
    expect(STEADY_MS).toBe(10_000);
    expect(nextDelayMs({ last: answer({ status: { monitoring_state: 'FAILOVER_IN_PROGRESS' } }), changedAt: 0, now: NOW, failed: false })).toBe(FAST_MS);
    expect(nextDelayMs({ last: answer({ status: { monitoring_state: 'SWITCHOVER_IN_PROGRESS' } }), changedAt: 0, now: NOW, failed: false })).toBe(FAST_MS);
    expect(nextDelayMs({ last: steady, changedAt: NOW - 29_000, now: NOW, failed: false })).toBe(FAST_MS);
    expect(nextDelayMs({ last: steady, changedAt: NOW - 31_000, now: NOW, failed: false })).toBe(STEADY_MS);
    expect(nextDelayMs({ last: steady, changedAt: 0, now: NOW, failed: true })).toBe(RETRY_MS);
    // At steady state one open tab sends 60 / 10 = 6 reads a minute.
    expect(60_000 / nextDelayMs({ last: steady, changedAt: 0, now: NOW, failed: false })).toBeLessThanOrEqual(20);
  });

  it('counts a change of role, health, mode, state or node, not a latency or an age', () => {
    const a = answer();
    expect(changeKey(answer({ status: { servers: [server('bam1', { latency_ms: 90, last_probe_time: iso(NOW) }), server('bam2')], updated_at: iso(NOW) } }))).toBe(changeKey(a));
    expect(changeKey(answer({ status: { servers: [server('bam1'), server('bam2', { mode: 'NO_NEW_SESSIONS' })] } }))).not.toBe(changeKey(a));
    expect(changeKey(answer({ nodes: [node('a'), node('b', { available: false })] }))).not.toBe(changeKey(a));
    expect(changeKey(answer({ status: { servers: [server('bam1', { consecutive_failures: 1 }), server('bam2')] } }))).not.toBe(changeKey(a));
  });
});
