import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, DropDownField, InlineNotification, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@bluecateng/pelagos';
import { api } from '../api.js';
import { clock, type TagColour } from '../format.js';
import { incidentSummary, incidentsOf, labelOf, SEVERITY_LABEL, severityOf, TYPE_LABELS, type Severity } from '../incidents.js';
import { timeOfDay } from '../labels.js';
import { serverNow, useLive, useNow } from '../live.js';
import { ScrollRegion } from '../ScrollRegion.js';
import type { LoggedEvent } from '../types.js';

const RANGES = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { key: '7d', label: 'Last 7 days (all kept)', ms: 7 * 24 * 3_600_000 },
];
const ALL = 'ALL';
const TYPES = [ALL, ...Object.keys(TYPE_LABELS)];
const PAGE = 100;
const SEVERITY_COLOUR: Record<Severity, TagColour> = { critical: 'red', warning: 'magenta', info: 'blue', ok: 'green' };

interface Loaded {
  events: LoggedEvent[];
  more: boolean;
  since: number;
}

/**
 * What happened, for an operator after an incident: a time range, a type, incidents
 * grouped with their durations, each event in words with its severity, "load more" for older
 * ones. New events arrive with the page's live read; nothing polls here.
 */
export function EventsPage() {
  const live = useLive();
  const localNow = useNow(5000);
  const [range, setRange] = useState('1h');
  const [type, setType] = useState(ALL);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const liveRef = useRef(live);
  liveRef.current = live;

  const fetchPage = useCallback(
    async (before?: string) => {
      const span = RANGES.find((r) => r.key === range)!.ms;
      const since = serverNow(liveRef.current) - span;
      const q = new URLSearchParams({ since: new Date(since).toISOString(), limit: String(PAGE), ...(type === ALL ? {} : { type }), ...(before ? { before } : {}) });
      setBusy(true);
      try {
        const r = await api<{ events: LoggedEvent[]; more: boolean }>('GET', `/ui/api/events?${q.toString()}`);
        setLoaded((prev) => ({ events: before && prev ? [...prev.events, ...r.events] : r.events, more: r.more, since }));
        setFailed(null);
      } catch (e) {
        setFailed(e instanceof Error ? e.message : 'The gateway cannot be reached.');
      } finally {
        setBusy(false);
      }
    },
    [range, type],
  );
  useEffect(() => {
    setLoaded(null);
    void fetchPage();
  }, [fetchPage]);

  // Events the live read brought since, of this type and range, above the ones loaded.
  const events = useMemo(() => {
    if (!loaded) return null;
    const ids = new Set(loaded.events.map((e) => e.id));
    const fresh = live.events.filter((e) => !ids.has(e.id) && (type === ALL || e.type === type) && Date.parse(e.time) >= loaded.since);
    return [...fresh, ...loaded.events].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  }, [loaded, live.events, type]);
  const incidents = useMemo(() => (events ? incidentsOf(events).reverse() : []), [events]);
  const incidentOf = useMemo(() => {
    const m = new Map<string, number>();
    incidents.forEach((i, n) => {
      for (const id of i.eventIds) m.set(id, incidents.length - n);
    });
    return m;
  }, [incidents]);
  const now = serverNow(live, localNow);
  const oldest = loaded?.events.at(-1)?.cursor;

  return (
    <section className="Page" aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <p className="Muted">What the gateway recorded, newest first. Events are kept 7 days.</p>
      <div className="Row">
        <DropDownField
          id="event-range"
          label="Time range"
          value={range}
          options={RANGES.map((r) => r.key)}
          renderOption={(k: string) => RANGES.find((r) => r.key === k)!.label}
          onChange={(k: string) => setRange(k)}
        />
        <DropDownField
          id="event-type"
          label="Event type"
          value={type}
          options={TYPES}
          renderOption={(o: string) => (o === ALL ? 'All events' : TYPE_LABELS[o]!)}
          onChange={(o: string) => setType(o)}
        />
      </div>
      {failed && <InlineNotification type="error" text={failed} role="alert" />}
      <h2>Incidents</h2>
      {incidents.length === 0 ? (
        <p className="Muted" data-testid="no-incidents">
          {events ? 'No failover, switchover, split brain or maintenance in this range.' : 'Loading…'}
        </p>
      ) : (
        <ul className="Incidents" data-testid="incidents">
          {incidents.map((i, n) => (
            <li key={`${i.kind}-${i.start}`} data-incident={i.kind} className={`Incident Incident--${i.kind}`}>
              <strong>
                #{incidents.length - n} {incidentSummary(i, now)}
              </strong>{' '}
              <span className="Muted">
                from {timeOfDay(i.start)}
                {i.end !== null && i.end !== i.start ? ` to ${timeOfDay(i.end)}` : ''}, {i.eventIds.length} event{i.eventIds.length === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h2>Events</h2>
      <ScrollRegion label="Events table">
        <Table aria-label="Events" data-testid="events" className="Wide">
          <TableHead>
            <TableRow>
              <TableHeader>Time</TableHeader>
              <TableHeader>Severity</TableHeader>
              <TableHeader>What happened</TableHeader>
              <TableHeader>Incident</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {events?.length === 0 && (
              <TableRow>
                <TableCell colSpan={4}>No events in this range.</TableCell>
              </TableRow>
            )}
            {(events ?? []).map((e) => {
              const severity = severityOf(e);
              const incident = incidentOf.get(e.id);
              return (
                <TableRow key={e.id} data-type={e.type} data-severity={severity}>
                  <TableCell className="Nowrap">{clock(e.time)}</TableCell>
                  <TableCell>
                    <Tag type={SEVERITY_COLOUR[severity]} text={SEVERITY_LABEL[severity]} />
                  </TableCell>
                  <TableCell>{labelOf(e)}</TableCell>
                  <TableCell>{incident ? `#${incident}` : ''}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </ScrollRegion>
      <div className="Row">
        {loaded?.more && oldest ? (
          <Button text={busy ? 'Loading…' : 'Load more'} disabled={busy} onClick={() => void fetchPage(oldest)} />
        ) : (
          events && <p className="Muted">{`All ${events.length} events of this range shown.`}</p>
        )}
      </div>
    </section>
  );
}
