import { useEffect, useRef, useState } from 'react';
import { InlineNotification, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@bluecateng/pelagos';
import { ApiError, api } from '../api.js';
import { ago, clock, colourOf } from '../format.js';
import { may, useSession } from '../session.js';
import type { GroupView, MonitorStatus, SessionCounts } from '../types.js';
import { useVisibleInterval } from '../visible-interval.js';

/** How often the dashboard reads the gateway while visible (SPEC §12). */
const REFRESH_MS = 2000;

/** How old the monitor's state is, by its own clock: not when this page fetched it. */
const stateAge = (updatedAt: string | null, now: number) => (updatedAt ? `state recorded ${ago(updatedAt, now)}` : 'no state recorded yet');

/** Marks the first render with data, for the browser test's figure (performance.measure). */
function markFirstRender(done: { current: boolean }) {
  if (done.current) return;
  done.current = true;
  performance.mark('dashboard-data-rendered');
}

/**
 * The live dashboard: monitoring state and Primary, every BAM server (role, health, mode, latency,
 * failures, sessions) and the gateway nodes, read every 2 s while visible, with the age of the
 * monitor's state (its `updated_at`: a stale state read just now is still stale).
 */
export function DashboardPage() {
  const session = useSession();
  const [status, setStatus] = useState<MonitorStatus | null>(null);
  const [counts, setCounts] = useState<SessionCounts | null>(null);
  const [group, setGroup] = useState<GroupView | null | 'none'>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const rendered = useRef(false);
  const seesGroup = may(session, 'availability_group');

  useVisibleInterval(async () => {
    try {
      const [s, c, g] = await Promise.all([
        api<MonitorStatus>('GET', '/failover_monitoring/status'),
        api<SessionCounts>('GET', '/ui/api/session-counts'),
        seesGroup
          ? api<GroupView>('GET', '/ag/api/v1/group').catch((e: unknown) => (e instanceof ApiError && e.status === 409 ? ('none' as const) : Promise.reject(e)))
          : Promise.resolve('none' as const),
      ]);
      setStatus(s);
      setCounts(c);
      setGroup(g);
      setFailed(null);
    } catch (e) {
      setFailed(e instanceof Error ? e.message : 'The gateway cannot be reached.');
    }
  }, REFRESH_MS);
  useVisibleInterval(() => setNow(Date.now()), 1000);
  useEffect(() => {
    if (status) markFirstRender(rendered);
  }, [status]);

  const sessionsOf = (name: string) => counts?.servers.find((c) => c.name === name)?.sessions;
  const primary = status?.servers.find((s) => s.url === status.primary_url);
  return (
    <section className="Page" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      {failed && <InlineNotification type="error" text={`Not updated: ${failed} Showing the last data read.`} role="alert" />}
      <dl className="Summary" aria-label="Failover monitoring">
        <div>
          <dt>Monitoring state</dt>
          <dd data-testid="monitoring-state">{status?.monitoring_state ?? '…'}</dd>
        </div>
        <div>
          <dt>Primary</dt>
          <dd data-testid="primary">{primary ? `${primary.name} (${status?.primary_url})` : status ? 'none' : '…'}</dd>
        </div>
        <div>
          <dt>Epoch</dt>
          <dd>{status?.epoch ?? '…'}</dd>
        </div>
        <div>
          <dt>Split brain</dt>
          <dd>{status ? (status.split_brain ? 'YES' : 'no') : '…'}</dd>
        </div>
        <div>
          <dt>Data age</dt>
          <dd data-testid="data-age" aria-live="off">
            {status ? `${stateAge(status.updated_at, now)}, read every ${REFRESH_MS / 1000} s` : 'loading'}
          </dd>
        </div>
      </dl>
      <h2>Address Manager servers</h2>
      <Table aria-label="Address Manager servers" data-testid="servers">
        <TableHead>
          <TableRow>
            <TableHeader>Server</TableHeader>
            <TableHeader>Role</TableHeader>
            <TableHeader>Health</TableHeader>
            <TableHeader>Mode</TableHeader>
            <TableHeader>Latency</TableHeader>
            <TableHeader>Failures</TableHeader>
            <TableHeader>Last probe</TableHeader>
            <TableHeader>Sessions</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {(status?.servers ?? []).map((s) => (
            <TableRow key={s.name} data-server={s.name}>
              <TableCell>
                {s.name}
                <div className="Muted">{s.url}</div>
              </TableCell>
              <TableCell>
                <Tag type={colourOf(s.role)} text={s.role} />
                {s.reported_role && s.reported_role.toUpperCase() !== s.role && <div className="Muted">reports {s.reported_role}</div>}
              </TableCell>
              <TableCell>
                <Tag type={colourOf(s.health)} text={s.health} />
              </TableCell>
              <TableCell>
                <Tag type={colourOf(s.mode)} text={s.mode} />
              </TableCell>
              <TableCell>{s.latency_ms === null ? '—' : `${s.latency_ms} ms`}</TableCell>
              <TableCell>{s.consecutive_failures}</TableCell>
              <TableCell>{ago(s.last_probe_time, now)}</TableCell>
              <TableCell data-testid={`sessions-${s.name}`}>{sessionsOf(s.name) ?? '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <h2>Gateway nodes</h2>
      {!seesGroup ? (
        <p className="Muted">The gateway nodes are shown to users with the availability_group permission.</p>
      ) : group === 'none' ? (
        <p className="Muted">This gateway runs alone, not in an availability group.</p>
      ) : (
        <Table aria-label="Gateway nodes" data-testid="nodes">
          <TableHead>
            <TableRow>
              <TableHeader>Node</TableHeader>
              <TableHeader>Role</TableHeader>
              <TableHeader>Last heartbeat</TableHeader>
              <TableHeader>Available</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {(group?.nodes ?? []).map((n) => (
              <TableRow key={n.node_id} data-node={n.node_id}>
                <TableCell>
                  {n.node_id}
                  <div className="Muted">{n.url ?? ''}</div>
                </TableCell>
                <TableCell>
                  <Tag type={colourOf(n.node_role.toUpperCase())} text={n.node_role} />
                </TableCell>
                <TableCell title={clock(n.last_seen)}>{ago(n.last_seen, now)}</TableCell>
                <TableCell>{n.available ? 'yes' : 'no'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
