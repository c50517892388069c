import { colourOf, type TagColour } from './format.js';
import { duration, failureLabel, healthLabel, modeLabel, roleLabel } from './labels.js';
import type { DashServer, GroupNode } from './types.js';

export interface ServerRow {
  role: { text: string; colour: TagColour };
  /** What BAM itself said, when it differs or the server no longer answers ("last reported Primary"). */
  reported: string | null;
  health: { text: string; colour: TagColour };
  /** Why it is down and for how long, or null while it answers. */
  problem: string | null;
  latency: string;
  mode: { text: string; colour: TagColour };
}

const reportedRole = (r: string | null) => (r ? roleLabel(r === 'Standalone' ? r : r.toUpperCase()) : null);

/**
 * A BAM server row that tells the truth about a server that does not answer: no green
 * tag on it, no latency from a probe that got no answer, what it *last* reported, why it fails and
 * since when.
 */
export function serverRow(s: DashServer, now: number): ServerRow {
  const failing = s.consecutive_failures > 0;
  const down = s.health === 'DOWN' || (s.role === 'UNKNOWN' && failing);
  const since = s.failing_since ? ` for ${duration(now - Date.parse(s.failing_since))}` : '';
  const why = failureLabel(s.last_failure) ?? 'no answer';
  let problem: string | null = null;
  if (s.health === 'DOWN') problem = `Down${since}: ${why}`;
  else if (failing) problem = `${s.consecutive_failures} failed probe${s.consecutive_failures === 1 ? '' : 's'}${since}: ${why}`;
  else if (s.health === 'MAINTENANCE' && s.disabled_since) problem = `Out for maintenance for ${duration(now - Date.parse(s.disabled_since))}`;
  const said = reportedRole(s.reported_role);
  const reported = said && (failing || down) ? `last reported ${said}` : said && said.toUpperCase() !== s.role ? `reports ${said}` : null;
  return {
    role: { text: roleLabel(s.role), colour: down ? 'gray' : colourOf(s.role) },
    reported,
    health: { text: healthLabel(s.health), colour: colourOf(s.health) },
    problem,
    latency: failing || s.latency_ms === null ? '—' : `${s.latency_ms} ms`,
    // A mode is configuration, not health: never green (a dead server is not "fine" because it is ENABLED).
    mode: { text: modeLabel(s.mode), colour: s.mode === 'ENABLED' ? 'gray' : colourOf(s.mode) },
  };
}

export interface NodeRow {
  role: { text: string; colour: TagColour };
  state: { text: string; colour: TagColour };
  heartbeat: string;
}

/** A gateway node row: without a heartbeat for longer than the group allows, it is DOWN, with the heartbeat's age. */
export function nodeRow(n: GroupNode, now: number): NodeRow {
  const age = n.last_seen ? duration(now - Date.parse(n.last_seen)) : null;
  return {
    role: { text: roleLabel(n.node_role), colour: n.available ? colourOf(n.node_role.toUpperCase()) : 'gray' },
    state: n.available ? { text: 'Up', colour: 'green' } : { text: 'Down', colour: 'red' },
    heartbeat: age === null ? 'never seen' : n.available ? `${age} ago` : `no heartbeat for ${age}`,
  };
}
