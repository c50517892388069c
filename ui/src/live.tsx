import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, setCsrfToken } from './api.js';
import { decodeSample } from './history-codec.js';
import { changeKey, nextDelayMs } from './poll-schedule.js';
import type { DashboardAnswer, LoggedEvent, Sample } from './types.js';

const HOUR_MS = 3_600_000;
/** Events kept for the page (the dashboard's hour and the Events page's newest): bounded memory. */
const MAX_EVENTS = 1000;

export interface Live {
  /** The latest combined read; null until the first. */
  answer: DashboardAnswer | null;
  /** Local time the latest read arrived. */
  readAt: number;
  /** Events since the page opened (the last hour's first), newest first, without duplicates. */
  events: LoggedEvent[];
  /** Monitoring-state changes, for the last failover even when it is older than the hour. */
  failoverEvents: LoggedEvent[];
  /** The last hour's samples, oldest first (while a page asks for them). */
  samples: Sample[];
  /** Why the latest read failed, while it does. */
  error: string | null;
  /** Read now and keep reading fast for a while: the user just changed something. */
  changed(): void;
  /** A page that draws the history asks for it while mounted. */
  wantHistory(): () => void;
}

const LiveContext = createContext<Live | null>(null);

export function useLive(): Live {
  const l = useContext(LiveContext);
  if (!l) throw new Error('useLive outside LiveProvider');
  return l;
}

/** The server's clock now, from the latest read (what ages are measured against: no clock skew). */
export const serverNow = (live: Pick<Live, 'answer' | 'readAt'>, localNow = Date.now()) => (live.answer ? Date.parse(live.answer.now) + (localNow - live.readAt) : localNow);

function mergeEvents(known: LoggedEvent[], fresh: LoggedEvent[]): LoggedEvent[] {
  if (fresh.length === 0) return known;
  const ids = new Set(known.map((e) => e.id));
  const added = fresh.filter((e) => !ids.has(e.id));
  if (added.length === 0) return known;
  return [...added, ...known].sort((a, b) => (b.cursor ?? b.time).localeCompare(a.cursor ?? a.time)).slice(0, MAX_EVENTS);
}

/**
 * The one poller of a signed-in page: GET /ui/api/dashboard, which is also the session's
 * heartbeat and feeds the status headline of every page. It reads every 10 s while steady, every
 * 2 s during a failover or switchover and for 30 s after a change, asks only for what is new since
 * its last read, and sends nothing while the tab is hidden.
 */
export function LiveProvider({ historyFirst = false, children }: { historyFirst?: boolean; children: (live: Live) => ReactNode }) {
  const [answer, setAnswer] = useState<DashboardAnswer | null>(null);
  const [readAt, setReadAt] = useState(0);
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  const [failoverEvents, setFailoverEvents] = useState<LoggedEvent[]>([]);
  const [samples, setSamples] = useState<Sample[]>([]);
  const [error, setError] = useState<string | null>(null);
  const cursors = useRef<{ events?: string; history?: number }>({});
  const last = useRef<{ answer: DashboardAnswer | null; key?: string; changedAt: number }>({ answer: null, changedAt: 0 });
  const historyWanted = useRef(0);
  // The first read already brings the hour when the page opened is the one that draws it.
  const firstRead = useRef(historyFirst);
  const kick = useRef<() => void>(() => undefined);

  const read = useCallback(async () => {
    const params = new URLSearchParams();
    const first = firstRead.current;
    firstRead.current = false;
    const withHistory = historyWanted.current > 0 || first;
    if (withHistory) {
      params.set('history', '1');
      if (cursors.current.history !== undefined) params.set('history_after', String(cursors.current.history));
    }
    if (cursors.current.events) params.set('events_after', cursors.current.events);
    const q = params.toString();
    const a = await api<DashboardAnswer>('GET', `/ui/api/dashboard${q ? `?${q}` : ''}`);
    const local = Date.now();
    setCsrfToken(a.session.csrf_token);
    cursors.current.events = a.events.cursor ?? undefined;
    const key = changeKey(a);
    if (last.current.key !== undefined && key !== last.current.key) last.current.changedAt = local;
    last.current = { ...last.current, answer: a, key };
    const hourAgo = Date.parse(a.now) - HOUR_MS;
    setEvents((known) => mergeEvents(known, a.events.events));
    const stateChanges = [...(a.failover_events ?? []), ...a.events.events.filter((e) => e.type === 'MONITORING_STATE_CHANGED')];
    setFailoverEvents((known) => mergeEvents(known, stateChanges));
    if (a.history && (historyWanted.current > 0 || first)) {
      const fresh = a.history.samples.flatMap((raw) => decodeSample(raw) ?? []);
      cursors.current.history = a.history.cursor;
      setSamples((known) => [...known.filter((s) => s.t > hourAgo), ...fresh.filter((s) => s.t > (known.at(-1)?.t ?? 0))]);
    }
    setAnswer(a);
    setReadAt(local);
    setError(null);
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running = false;
    let again = false;
    const run = async () => {
      clearTimeout(timer);
      if (stopped) return;
      if (running) {
        again = true; // a change or a page's request while a read is on its way: one more right after
        return;
      }
      if (document.visibilityState !== 'visible') return; // hidden: nothing until it shows again
      running = true;
      let failed = false;
      try {
        await read();
      } catch (e) {
        failed = true;
        setError(e instanceof Error ? e.message : 'The gateway cannot be reached.');
      }
      running = false;
      if (stopped) return;
      const delay = again ? 0 : nextDelayMs({ last: last.current.answer, changedAt: last.current.changedAt, now: Date.now(), failed });
      again = false;
      timer = setTimeout(() => void run(), delay);
    };
    kick.current = () => void run();
    const onVisible = () => document.visibilityState === 'visible' && void run();
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [read]);

  const changed = useCallback(() => {
    last.current.changedAt = Date.now();
    kick.current();
  }, []);

  const wantHistory = useCallback(() => {
    historyWanted.current += 1;
    if (historyWanted.current === 1 && cursors.current.history === undefined) kick.current(); // the whole hour, at once
    return () => {
      historyWanted.current -= 1;
      if (historyWanted.current === 0) {
        // Not kept up to date meanwhile: the next page that draws it reads the whole hour again.
        cursors.current.history = undefined;
        setSamples([]);
      }
    };
  }, []);

  const live = useMemo<Live>(() => ({ answer, readAt, events, failoverEvents, samples, error, changed, wantHistory }), [answer, readAt, events, failoverEvents, samples, error, changed, wantHistory]);
  return <LiveContext.Provider value={live}>{children(live)}</LiveContext.Provider>;
}

/** The local time, ticking every `ms` while the tab is visible (ages and durations on screen; no request). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      clearInterval(timer);
      if (document.visibilityState === 'visible') timer = setInterval(() => setNow(Date.now()), ms);
      setNow(Date.now());
    };
    document.addEventListener('visibilitychange', start);
    start();
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', start);
    };
  }, [ms]);
  return now;
}
