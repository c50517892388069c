import { duration, failureLabel, roleLabel, timeOfDay } from './labels.js';
import type { DashboardAnswer, DashServer } from './types.js';

export type Level = 'healthy' | 'degraded' | 'failover' | 'switchover' | 'split-brain' | 'stopped';

export interface Headline {
  level: Level;
  /** One line, the same while the situation is the same (it is announced to screen readers when it changes). */
  title: string;
  /** What is wrong, one item each (degraded), or what is known, what happens next and what to do (failover, switchover, split brain). */
  details: string[];
}

const names = (list: string[]) => (list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`);
const isDown = (s: DashServer) => s.health === 'DOWN' || (s.role === 'UNKNOWN' && s.health !== 'MAINTENANCE');

/** How old the monitor's state is, at `now` (server clock). */
export const stateAgeMs = (a: DashboardAnswer, now: number) => (a.status.updated_at ? Math.max(0, now - Date.parse(a.status.updated_at)) : Infinity);

/**
 * The status headline of every page, from the combined read: split brain first (an
 * alert naming the servers), then a failover or a planned switchover, a monitor that is not
 * running, and otherwise healthy or degraded with each reason (a server DOWN or UNKNOWN, a gateway
 * node without heartbeat, data older than the monitor's writes allow).
 * `now` is the server's clock (the answer's `now` plus the time since it was read).
 */
export function headlineOf(a: DashboardAnswer, now: number, admin: boolean): Headline {
  const st = a.status;
  const servers = st.servers;
  const nodes = a.group.visible && a.group.in_group ? a.group.nodes : [];
  if (st.split_brain) {
    const claimants = st.split_brain_servers.length >= 2 ? st.split_brain_servers : servers.filter((s) => s.role === 'PRIMARY' || /primary|standalone/i.test(s.reported_role ?? '')).map((s) => s.name);
    const primary = servers.find((s) => s.url === st.primary_url)?.name;
    return {
      level: 'split-brain',
      title: `Split brain: ${names(claimants)} both claim to be the Primary`,
      details: [
        primary
          ? `The gateway keeps ${primary}, the Primary it had confirmed, and switches to no other while two servers claim the role.`
          : 'No Primary is confirmed while two servers claim the role: calls that need the Primary wait.',
        admin
          ? `To end it: in Address Manager, re-add ${names(claimants.filter((n) => n !== primary)) || 'the server that should not be Primary'} as a Standby.`
          : 'An administrator must make one of them a Standby in Address Manager.',
      ],
    };
  }
  if (st.monitoring_state === 'FAILOVER_IN_PROGRESS') {
    const started = st.failover_started_at ? Date.parse(st.failover_started_at) : null;
    const lost = servers.filter(isDown);
    const standbys = servers.filter((s) => !isDown(s) && s.health === 'UP');
    const known = lost.map((s) => {
      const since = s.failing_since ? ` since ${timeOfDay(Date.parse(s.failing_since))}` : '';
      const why = failureLabel(s.last_failure);
      return `${s.name}${s.name === st.last_primary ? ' (the Primary)' : ''} is unreachable${since}${why ? `: ${why}` : ''}.`;
    });
    return {
      level: 'failover',
      title: 'Address Manager failover in progress',
      details: [
        `${started ? `Started ${timeOfDay(started)}, ${duration(now - started)} ago. ` : ''}${known.join(' ') || 'The Primary no longer answers as Primary.'}`,
        'The gateway confirms a new Primary as soon as exactly one server reports Primary. Until then calls that need the Primary wait; this page keeps updating.',
        admin
          ? `To end it: promote ${standbys.length ? names(standbys.map((s) => s.name)) : 'a Standby'} in Address Manager, or bring ${st.last_primary ?? 'the Primary'} back.`
          : 'Your session stays; calls to Address Manager resume once the new Primary is confirmed.',
      ],
    };
  }
  if (st.monitoring_state === 'SWITCHOVER_IN_PROGRESS') {
    const sw = st.switchover;
    return {
      level: 'switchover',
      title: sw ? `Planned switchover from ${sw.from} to ${sw.target} in progress` : 'Planned switchover in progress',
      details: [
        sw ? `Started ${timeOfDay(Date.parse(sw.startedAt))}${sw.deadline ? `, due by ${timeOfDay(Date.parse(sw.deadline))}` : ''}.` : '',
        'Calls that need the Primary are held until the new Primary answers; if it does not by the deadline, the gateway handles it as a failover.',
      ].filter(Boolean),
    };
  }
  if (st.monitoring_state === 'STOPPED') {
    return { level: 'stopped', title: 'Failover monitoring is not running', details: ['No Primary is confirmed yet: the monitor has not written a state.'] };
  }
  const reasons: string[] = [];
  for (const s of servers.filter(isDown)) {
    const since = s.failing_since ? ` for ${duration(now - Date.parse(s.failing_since))}` : '';
    reasons.push(`${s.name} ${s.health === 'DOWN' ? 'down' : 'unknown'}${since}`);
  }
  for (const n of nodes.filter((x) => !x.available)) reasons.push(`gateway node ${n.node_id}: no heartbeat${n.last_seen ? ` for ${duration(now - Date.parse(n.last_seen))}` : ''}`);
  const age = stateAgeMs(a, now);
  if (age > a.stale_after_ms) reasons.push(`monitor data ${age === Infinity ? 'missing' : `${duration(age)} old`}`);
  if (reasons.length) return { level: 'degraded', title: `Degraded: ${reasons.length} problem${reasons.length === 1 ? '' : 's'}`, details: reasons };
  const roles = servers.map((s) => `${s.name} ${roleLabel(s.role)}`).join(', ');
  return { level: 'healthy', title: 'Healthy', details: [`${roles}${nodes.length ? `; gateway nodes ${names(nodes.map((n) => n.node_id))} up` : ''}.`] };
}
