import { useState } from 'react';
import { DropDownField, InlineNotification, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@bluecateng/pelagos';
import { api } from '../api.js';
import { clock } from '../format.js';
import { useVisibleInterval } from '../visible-interval.js';

interface LoggedEvent {
  id: string;
  type: string;
  time: string;
  detail: Record<string, any>;
}

const ALL = 'All events';
const TYPES = [ALL, 'NODE_ROLE_CHANGED', 'MONITORING_STATE_CHANGED', 'SPLIT_BRAIN_DETECTED', 'BACKEND_HOST_MODE_CHANGED', 'CONFIGURATION_ACTIVATED'];

/** Who made a maintenance change and why: shown to operators only (others get the event without it). */
const byWhom = (d: LoggedEvent['detail']) => `${d.by ? ` by ${d.by}` : ''}${d.comment ? ` (“${d.comment}”)` : ''}`;

/** One line saying what happened; the detail itself is shown below it. */
function summary(e: LoggedEvent): string {
  const d = e.detail;
  switch (e.type) {
    case 'NODE_ROLE_CHANGED':
      return `${d.node?.kind === 'gateway' ? 'Gateway node' : 'Address Manager'} ${d.node?.id}: ${d.previous ?? 'none'} → ${d.new} (${d.reason})`;
    case 'MONITORING_STATE_CHANGED':
      return `Monitoring ${d.previous} → ${d.new}${d.primaryUrl ? `, Primary ${d.primaryUrl}` : ''}`;
    case 'SPLIT_BRAIN_DETECTED':
      return `Split brain: ${(d.servers ?? []).map((s: { name: string }) => s.name).join(', ')} claim Primary`;
    case 'BACKEND_HOST_MODE_CHANGED':
      return `${d.host?.name}: ${d.previous} → ${d.new}${byWhom(d)}`;
    case 'CONFIGURATION_ACTIVATED':
      return `Configuration v${d.version} activated${byWhom(d)}`;
    default:
      return e.type;
  }
}

/** A timeline of the recent events kept by the gateway (GET /ui/api/events), filterable by type. */
export function EventsPage() {
  const [type, setType] = useState(ALL);
  const [events, setEvents] = useState<LoggedEvent[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useVisibleInterval(
    async () => {
      try {
        const q = type === ALL ? '' : `?type=${encodeURIComponent(type)}`;
        setEvents((await api<{ events: LoggedEvent[] }>('GET', `/ui/api/events${q}`)).events);
        setFailed(null);
      } catch (e) {
        setFailed(e instanceof Error ? e.message : 'The gateway cannot be reached.');
      }
    },
    5000,
    [type],
  );
  return (
    <section className="Page" aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <p className="Muted">The most recent events of the gateway, newest first (kept 7 days).</p>
      <div className="Row">
        <DropDownField id="event-type" label="Event type" value={type} options={TYPES} renderOption={(o: string) => o} onChange={(o: string) => setType(o)} />
      </div>
      {failed && <InlineNotification type="error" text={failed} role="alert" />}
      <Table aria-label="Events" data-testid="events">
        <TableHead>
          <TableRow>
            <TableHeader>Time</TableHeader>
            <TableHeader>Type</TableHeader>
            <TableHeader>What happened</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {events?.length === 0 && (
            <TableRow>
              <TableCell colSpan={3}>No events yet.</TableCell>
            </TableRow>
          )}
          {(events ?? []).map((e) => (
            <TableRow key={e.id} data-type={e.type}>
              <TableCell>{clock(e.time)}</TableCell>
              <TableCell>
                <Tag type="gray" text={e.type} />
              </TableCell>
              <TableCell>{summary(e)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
