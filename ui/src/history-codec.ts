import type { Sample } from './types.js';

/**
 * The dashboard's samples as the gateway stores and sends them (functions/domain/history.ts):
 * `[t, state, split brain 0/1, [[server, role, health, latency, mode]...], [[node, role, available]...]?]`
 * with one-letter codes. Decoded here, so the gateway's own functions stay small.
 */
export type StoredSample = [number, string, number, [string, string, string, number | null, string][], [string, string, number][]?];

const STATES: Record<string, string> = { X: 'STOPPED', M: 'MONITORING', F: 'FAILOVER_IN_PROGRESS', S: 'SWITCHOVER_IN_PROGRESS' };
const ROLES: Record<string, string> = { P: 'PRIMARY', S: 'STANDBY', U: 'UNKNOWN', s: 'SECONDARY', N: 'NOT_IN_GROUP' };
const HEALTHS: Record<string, string> = { U: 'UP', D: 'DOWN', M: 'MAINTENANCE' };
const MODES: Record<string, string> = { E: 'ENABLED', N: 'NO_NEW_SESSIONS', D: 'DISABLED' };

/** A sample, or undefined for anything that is not one (a newer gateway's format, say). */
export function decodeSample(raw: unknown): Sample | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number' || !STATES[raw[1]] || !Array.isArray(raw[3])) return undefined;
  const [t, st, sb, servers, nodes] = raw as StoredSample;
  const sample: Sample = {
    t,
    state: STATES[st]!,
    split_brain: sb === 1,
    servers: Object.fromEntries(
      servers.map(([n, r, h, l, m]) => [n, { role: ROLES[r] ?? 'UNKNOWN', health: HEALTHS[h] ?? 'UP', latency_ms: typeof l === 'number' ? l : null, mode: MODES[m] ?? 'ENABLED' }]),
    ),
  };
  if (Array.isArray(nodes)) sample.nodes = Object.fromEntries(nodes.map(([n, r, a]) => [n, { role: ROLES[r] ?? 'NOT_IN_GROUP', available: a === 1 }]));
  return sample;
}
