/** Words for the API's enums, as a person reads them (the raw value stays in data-* attributes for scripts and tests). */
const STATES: Record<string, string> = {
  MONITORING: 'Monitoring',
  FAILOVER_IN_PROGRESS: 'Failover in progress',
  SWITCHOVER_IN_PROGRESS: 'Switchover in progress',
  STOPPED: 'Not monitoring',
};
const ROLES: Record<string, string> = { PRIMARY: 'Primary', STANDBY: 'Standby', UNKNOWN: 'Unknown', SECONDARY: 'Secondary', NOT_IN_GROUP: 'Not in group' };
const HEALTHS: Record<string, string> = { UP: 'Up', DOWN: 'Down', MAINTENANCE: 'Maintenance' };
const MODES: Record<string, string> = { ENABLED: 'Enabled', NO_NEW_SESSIONS: 'Draining', DISABLED: 'Disabled' };

const titled = (v: string) => (v ? v.charAt(0) + v.slice(1).toLowerCase().replace(/_/g, ' ') : v);

export const stateLabel = (v: string | null | undefined) => (v ? (STATES[v] ?? titled(v)) : '—');
export const roleLabel = (v: string | null | undefined) => (v ? (ROLES[v.toUpperCase()] ?? titled(v)) : '—');
export const healthLabel = (v: string | null | undefined) => (v ? (HEALTHS[v] ?? titled(v)) : '—');
export const modeLabel = (v: string | null | undefined) => (v ? (MODES[v] ?? titled(v)) : '—');

const STEPS: Record<string, string> = { 'failover-api': 'Failover API', 'system-info': 'REST API', liveness: 'health check' };
const FAILURES: Record<string, string> = {
  unreachable: 'refuses connections',
  timeout: 'did not answer in time',
  'tls-refused': "refused the gateway's TLS certificate",
  'not-found': 'has no such endpoint',
  'no-role': 'answered without a replication role',
  rejected: "rejected the gateway's credentials",
};

/** A probe failure (`step: class`, e.g. `liveness: unreachable`) in words: "health check refuses connections". */
export function failureLabel(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const [step, kind] = raw.split(':').map((p) => p.trim());
  if (!step || !kind) return raw;
  return `${STEPS[step] ?? step} ${FAILURES[kind] ?? kind}`;
}

/** A duration in words, to the second below 2 minutes: "14 s", "3 min 20 s", "2 h 5 min". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** A time of day, with seconds: what an operator compares with logs. */
export const timeOfDay = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
