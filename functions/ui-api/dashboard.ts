import type { UiDeps } from './ports.js';
import type { HttpEvent } from '../kernel/http.js';
import { HOUR_MS } from '../monitor/domain/history.js';
import { initialState, type MonitorState } from '../monitor/domain/monitor-machine.js';
import { groupView } from '../group/node-state.js';
import { statusBody } from '../monitor/http/status.js';
import { hostsOf } from '../maintenance/domain/configuration.js';
import { countSessions } from '../maintenance/session-count.js';
import { eventsFor } from './events.js';
import { DashboardQuery, EVENT_LOOKBACK_MS, parseQuery } from './queries.js';

/** The monitor writes its state at least this often when nothing changes (FailoverMonitor's default refresh). */
export const MONITOR_REFRESH_MS = 10_000;
/** Events per answer: a page polled every 2 to 10 s never has more new ones than this. */
const EVENTS_PER_READ = 200;
/** Monitoring-state changes sent with a full read, so the page can tell the last failover even if it was days ago. */
const FAILOVER_EVENTS = 20;

/** What the dashboard read needs of the signed-in user (the /ui/api/session answer). */
export interface SessionAnswer {
  username: string;
  admin: boolean;
  permissions: string[];
  [field: string]: unknown;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const claimsPrimary = (role: string | null | undefined) => /^(primary|standalone)$/i.test(role ?? '');

/** Who claims Primary during a split brain: the confirmed Primary, the fenced claimants, and any answering server that says it is Primary. */
export function splitBrainServers(state: MonitorState): string[] {
  if (!state.splitBrain) return [];
  const names = new Set<string>([...(state.primary ? [state.primary] : []), ...(state.fenced ?? [])]);
  for (const s of Object.values(state.servers)) if (s.consecutiveFailures === 0 && claimsPrimary(s.reportedRole)) names.add(s.name);
  return [...names].sort();
}

/**
 * GET /ui/api/dashboard: everything an open page shows, in one read, from the gateway's own table
 * (never from BAM, so it answers through a failover): the session (this read is also the page's
 * heartbeat), the monitor's state with each server's mode, sessions and since when it is down,
 * the gateway nodes (with `availability_group`), the events since the page's last read (the last
 * hour's on the first; a few seconds more, see EVENT_LOOKBACK_MS), and with `history=1` the
 * samples of the last hour since its last read.
 */
export async function dashboardAnswer(event: HttpEvent, session: SessionAnswer, monitor: MonitorState | undefined, deps: UiDeps) {
  const q = parseQuery(DashboardQuery, event.queryStringParameters);
  const { config, sessionCounter: sessions } = deps;
  const now = Date.now();
  const state = monitor ?? initialState(config.servers, now);
  const seesNodes = session.permissions.includes('availability_group');
  const full = q.events_after === undefined;
  const [active, group, events, failoverEvents, samples] = await Promise.all([
    deps.configuration.get(),
    seesNodes && config.node ? deps.groupView.current(1000) : Promise.resolve(undefined),
    // Incremental reads look back a little before the cursor: an event is recorded after its time (the
    // outbox, the bus), so one may land behind a newer one already read. The page drops those it has.
    deps.events.range({ limit: EVENTS_PER_READ, since: new Date(full ? now - HOUR_MS : Date.parse(q.events_after!.split('#')[0]!) - EVENT_LOOKBACK_MS).toISOString() }),
    full ? deps.events.range({ limit: FAILOVER_EVENTS, type: 'MONITORING_STATE_CHANGED' }) : Promise.resolve(undefined),
    q.history === '1' ? deps.history.samples(now, q.history_after ? Number(q.history_after) : undefined) : Promise.resolve(undefined),
  ]);
  const hosts = hostsOf(config.servers, active.modes);
  const counts = await Promise.all(hosts.map((h) => countSessions(sessions, h, state, now)));
  const body = statusBody(
    state,
    config.servers.map((s) => s.name),
  );
  const servers = body.servers.map((s) => {
    const stored = state.servers[s.name];
    const i = hosts.findIndex((h) => h.name === s.name);
    return {
      ...s,
      // The active configuration's mode: an activation shows at once, not after the next probe round.
      mode: hosts[i]?.mode ?? s.mode,
      sessions: i >= 0 ? counts[i]! : null,
      failing_since: stored && stored.consecutiveFailures > 0 ? iso(stored.failingSince) : null,
      disabled_since: iso(stored?.disabledSince),
    };
  });
  // The newest place read: the next read starts there (never null, so it stays incremental).
  const newest =
    [events.events[0]?.cursor, q.events_after]
      .filter((c): c is string => c !== undefined)
      .sort()
      .pop() ?? `${iso(now)}#0`;
  return {
    now: iso(now),
    probe_interval_ms: config.probe.intervalMs,
    // Older than this, the monitor has missed two probe rounds (each up to an interval and a timeout) beyond its regular write.
    stale_after_ms: MONITOR_REFRESH_MS + 2 * (config.probe.intervalMs + config.probe.timeoutMs),
    session,
    status: { ...body, servers, split_brain_servers: splitBrainServers(state), last_primary: state.lastPrimary ?? null, fenced: state.fenced ?? [] },
    group: !seesNodes ? { visible: false } : !config.node ? { visible: true, in_group: false } : { visible: true, in_group: true, ...groupView(group, config.group, now) },
    events: { events: eventsFor(events.events, session.permissions), cursor: newest, truncated: events.more },
    ...(failoverEvents ? { failover_events: failoverEvents.events } : {}),
    // As stored (domain/history.ts StoredSample); the nodes (the fifth element) only with `availability_group`.
    ...(samples
      ? { history: { samples: seesNodes ? samples : samples.map((s) => s.slice(0, 4)), cursor: samples.at(-1)?.[0] ?? Math.max(Number(q.history_after ?? 0), now - 2 * MONITOR_REFRESH_MS) } }
      : {}),
  };
}
