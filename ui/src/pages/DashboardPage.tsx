import { useEffect, useState } from 'react';
import { Button, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@bluecateng/pelagos';
import { LatencyChart } from '../charts/LatencyChart.js';
import { Timeline } from '../charts/Timeline.js';
import { ago, clock } from '../format.js';
import { stateAgeMs } from '../headline.js';
import { latencyOf, markersOf, nodeValue, rowsOf, segmentsOf, serverValue } from '../history-model.js';
import { lastFailover } from '../incidents.js';
import { duration, stateLabel, timeOfDay } from '../labels.js';
import { serverNow, useLive, useNow } from '../live.js';
import { FAST_MS, STEADY_MS } from '../poll-schedule.js';
import { ScrollRegion } from '../ScrollRegion.js';
import { nodeRow, serverRow } from '../server-view.js';

const HOUR_MS = 3_600_000;
const SPANS = [
  { ms: HOUR_MS, label: 'Last hour' },
  { ms: 15 * 60_000, label: 'Last 15 minutes' },
  { ms: 5 * 60_000, label: 'Last 5 minutes' },
];

/** Marks the first render with data, for the browser test's figure (performance.measure). */
let marked = false;
function markFirstRender() {
  if (marked) return;
  marked = true;
  performance.mark('dashboard-data-rendered');
}

/**
 * The dashboard: the monitor's state, the last failover, each BAM server and gateway node as they
 * are (a server that does not answer says why and since when), and the last hour drawn. Its data
 * is the page's one live read (live.tsx), with the hour's samples while this page is open.
 */
export function DashboardPage() {
  const live = useLive();
  const localNow = useNow(1000);
  const [span, setSpan] = useState(HOUR_MS);
  const { wantHistory } = live;
  useEffect(() => wantHistory(), [wantHistory]);
  useEffect(markFirstRender, []);
  const a = live.answer!;
  const now = serverNow(live, localNow);
  const st = a.status;
  const primary = st.servers.find((s) => s.url === st.primary_url);
  const age = stateAgeMs(a, now);
  const stale = age > a.stale_after_ms;
  const group = a.group;
  const nodes = group.visible && group.in_group ? group.nodes : [];
  const from = now - span;
  const serverRows = st.servers.map((s) => ({ key: `server-${s.name}`, label: s.name, segments: segmentsOf(live.samples, (x) => serverValue(x, s.name), from, now) }));
  const nodeIds = nodes.length ? nodes.map((n) => n.node_id) : group.visible ? rowsOf(live.samples, 'nodes') : [];
  const nodeRows = nodeIds.map((id) => ({ key: `node-${id}`, label: `node ${id}`, segments: segmentsOf(live.samples, (x) => nodeValue(x, id), from, now) }));
  const markers = markersOf(live.events, live.samples, from, now);
  const last = lastFailover(live.failoverEvents);
  const lastText = !last
    ? 'none recorded'
    : last.end === null
      ? `in progress for ${duration(now - last.start)}`
      : `${timeOfDay(last.start)} (${ago(new Date(last.start).toISOString(), now)}), lasted ${duration(last.end - last.start)}`;

  return (
    <section className="Page Dashboard" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <dl className="Summary" aria-label="Failover monitoring">
        <div>
          <dt>Monitoring state</dt>
          <dd data-testid="monitoring-state" data-state={st.monitoring_state}>
            {stateLabel(st.monitoring_state)}
          </dd>
        </div>
        <div>
          <dt>Primary</dt>
          <dd data-testid="primary">
            {primary ? (
              <>
                {primary.name} <span className="Token Muted">{primary.url}</span>
              </>
            ) : (
              'none'
            )}
          </dd>
        </div>
        <div>
          <dt>Epoch</dt>
          <dd>{st.epoch}</dd>
        </div>
        <div>
          <dt>Last failover</dt>
          <dd data-testid="last-failover">{lastText}</dd>
        </div>
        <div>
          <dt>Data age</dt>
          <dd data-testid="data-age" data-stale={stale} className={stale ? 'Warning' : undefined}>
            {st.updated_at ? `state recorded ${ago(st.updated_at, now)}` : 'no state recorded yet'}
            {stale ? ': older than the monitor writes it, check the monitor' : ''}
          </dd>
          <dd className="Muted Small">
            written at least every 10 s; read every {STEADY_MS / 1000} s, every {FAST_MS / 1000} s while something changes
          </dd>
        </div>
      </dl>
      <div className="Dashboard__grid">
        <div className="Dashboard__tables">
          <h2>Address Manager servers</h2>
          <ScrollRegion label="Address Manager servers table">
            <Table aria-label="Address Manager servers" data-testid="servers" className="Wide">
              <TableHead>
                <TableRow>
                  <TableHeader>Server</TableHeader>
                  <TableHeader>Role</TableHeader>
                  <TableHeader>Health</TableHeader>
                  <TableHeader>Mode</TableHeader>
                  <TableHeader>Latency</TableHeader>
                  <TableHeader>Last probe</TableHeader>
                  <TableHeader>Sessions</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {st.servers.map((s) => {
                  const row = serverRow(s, now);
                  return (
                    <TableRow key={s.name} data-server={s.name} data-health={s.health} data-role={s.role}>
                      <TableCell>
                        {s.name}
                        <div className="Token Muted">{s.url}</div>
                      </TableCell>
                      <TableCell>
                        <Tag type={row.role.colour} text={row.role.text} />
                        {row.reported && <div className="Muted">{row.reported}</div>}
                      </TableCell>
                      <TableCell>
                        <Tag type={row.health.colour} text={row.health.text} />
                        {row.problem && (
                          <div className="Problem" data-testid={`problem-${s.name}`}>
                            {row.problem}
                          </div>
                        )}
                      </TableCell>
                      <TableCell data-mode={s.mode}>
                        <Tag type={row.mode.colour} text={row.mode.text} />
                      </TableCell>
                      <TableCell data-testid={`latency-${s.name}`}>{row.latency}</TableCell>
                      <TableCell title={clock(s.last_probe_time)}>{ago(s.last_probe_time, now)}</TableCell>
                      <TableCell data-testid={`sessions-${s.name}`}>{s.sessions ?? '—'}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </ScrollRegion>
          <h2>Gateway nodes</h2>
          {!group.visible ? (
            <p className="Muted">The gateway nodes are shown to users with the availability_group permission.</p>
          ) : !group.in_group ? (
            <p className="Muted">This gateway runs alone, not in an availability group.</p>
          ) : (
            <ScrollRegion label="Gateway nodes table">
              <Table aria-label="Gateway nodes" data-testid="nodes" className="Wide">
                <TableHead>
                  <TableRow>
                    <TableHeader>Node</TableHeader>
                    <TableHeader>Role</TableHeader>
                    <TableHeader>State</TableHeader>
                    <TableHeader>Last heartbeat</TableHeader>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {nodes.map((n) => {
                    const row = nodeRow(n, now);
                    return (
                      <TableRow key={n.node_id} data-node={n.node_id} data-available={n.available}>
                        <TableCell>
                          {n.node_id}
                          {n.url && <div className="Token Muted">{n.url}</div>}
                        </TableCell>
                        <TableCell>
                          <Tag type={row.role.colour} text={row.role.text} />
                        </TableCell>
                        <TableCell>
                          <Tag type={row.state.colour} text={row.state.text} />
                        </TableCell>
                        <TableCell title={clock(n.last_seen)} data-testid={`heartbeat-${n.node_id}`}>
                          {row.heartbeat}
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </ScrollRegion>
          )}
        </div>
        <div className="Dashboard__history">
          <h2>History</h2>
          <fieldset className="Zoom">
            <legend className="Muted">Time shown</legend>
            {SPANS.map((s) => (
              <Button key={s.ms} size="small" type={span === s.ms ? 'primary' : 'tertiary'} aria-pressed={span === s.ms} text={s.label} onClick={() => setSpan(s.ms)} />
            ))}
          </fieldset>
          <Timeline
            id="timeline"
            caption={`Role and state of each server and node, ${SPANS.find((x) => x.ms === span)!.label.toLowerCase()}`}
            rows={[...serverRows, ...nodeRows]}
            markers={markers}
            from={from}
            to={now}
          />
          <LatencyChart
            id="latency"
            caption={`Probe latency per server, ${SPANS.find((x) => x.ms === span)!.label.toLowerCase()}`}
            series={st.servers.map((s) => ({ name: s.name, points: latencyOf(live.samples, s.name, from) }))}
            markers={markers}
            from={from}
            to={now}
          />
        </div>
      </div>
    </section>
  );
}
