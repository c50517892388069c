import { useEffect, useRef, useState } from 'react';
import { Button, ConfirmDialog, InlineNotification, ProgressBar, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@bluecateng/pelagos';
import { ApiError, api } from '../api.js';
import { colourOf } from '../format.js';
import { healthLabel, modeLabel, roleLabel } from '../labels.js';
import { useLive } from '../live.js';
import { ACTION, consequence, type HostStatus, type Mode, type Pending } from '../maintenance-consequence.js';
import { drainProgress } from '../drain-progress.js';
import { ScrollRegion } from '../ScrollRegion.js';
import { may, useSession } from '../session.js';
import type { GroupView } from '../types.js';

interface GroupStatus {
  data: { attributes: { name: string; backendHosts: HostStatus[]; switchover: { state: string; target: string; startedAt: string } | null } };
}

const REST = '/airlock/rest';
const MODES: Mode[] = ['NO_NEW_SESSIONS', 'DISABLED', 'ENABLED'];
/** A notice goes once read: success after 10 s, an error after 30 s. */
const NOTICE_MS = { success: 10_000, error: 30_000 };

/**
 * Maintenance (permission `maintenance`): host modes through the Airlock-style REST API, exactly as
 * a script would drive it (REST session, load, change, activate), live session counts (a drain
 * shows its progress), and the manual gateway-node failover. The table follows the page's live
 * read; a dialog re-reads the state when it opens, so it never promises what already happened.
 */
export function MaintenancePage() {
  const session = useSession();
  const live = useLive();
  const allowed = may(session, 'maintenance');
  const [pending, setPending] = useState<Pending | null>(null);
  const [fresh, setFresh] = useState<{ hosts: HostStatus[]; at: number; note?: string } | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const restSession = useRef<Promise<void> | null>(null);
  const peaks = useRef(new Map<string, number>());

  /** The REST session (JSESSIONID cookie) every maintenance call runs in; made again when it idled out. */
  const inRestSession = async <T,>(call: () => Promise<T>): Promise<T> => {
    restSession.current ??= api<unknown>('POST', `${REST}/session/create`, { quiet: true }).then(() => undefined);
    try {
      await restSession.current;
      return await call();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      restSession.current = api<unknown>('POST', `${REST}/session/create`, { quiet: true }).then(() => undefined);
      await restSession.current;
      return call();
    }
  };
  useEffect(
    () => () => {
      if (restSession.current) void api('POST', `${REST}/session/terminate`, { quiet: true }).catch(() => undefined);
    },
    [],
  );

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS[notice.type]);
    return () => clearTimeout(timer);
  }, [notice]);

  // Pelagos' Dialog traps focus but ignores Escape: Escape cancels (its unmount refocuses the opener).
  const open = pending !== null;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      setPending(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  if (!allowed || !live.answer) {
    return (
      <section className="Page">
        <h1>Maintenance</h1>
        <InlineNotification type="info" text="Maintenance needs the maintenance permission." role="status" />
      </section>
    );
  }

  const st = live.answer.status;
  const liveHosts: HostStatus[] = st.servers.map((s) => ({ name: s.name, mode: s.mode, health: s.health, role: s.role, SessionCount: { Count: s.sessions ?? 0 } }));
  // Whichever read is newer: the dialog's own, or the live read that came after it.
  const hosts = fresh && fresh.at > live.readAt ? fresh.hosts : liveHosts;
  const group: GroupView | null = live.answer.group.visible && live.answer.group.in_group ? live.answer.group : null;
  const switchover = st.switchover?.state === 'IN_PROGRESS' ? st.switchover : null;

  /** Opens the dialog for `p` once the current state is read again (its words depend on it). */
  const ask = async (p: Pending, key: string) => {
    if (busy || opening) return;
    setOpening(key);
    try {
      const status = await inRestSession(() => api<GroupStatus>('GET', `${REST}/system/status/back-end-groups/1`, { quiet: true }));
      setFresh({ hosts: status.data.attributes.backendHosts, at: Date.now() });
    } catch (e) {
      setFresh({ hosts: liveHosts, at: Date.now(), note: `The current state could not be read again (${e instanceof Error ? e.message : 'no answer'}): this is as of the last update.` });
    } finally {
      setOpening(null);
    }
    setPending(p);
  };

  const apply = async (p: Pending) => {
    setPending(null);
    setBusy(true);
    setNotice(null);
    try {
      if (p.kind === 'node') {
        const r = await api<{ message: string }>('PUT', '/ag/api/v1/failover');
        setNotice({ type: 'success', text: r.message });
      } else {
        await inRestSession(async () => {
          await api('POST', `${REST}/configuration/configurations/load-active`, { quiet: true });
          await api('POST', `${REST}/configuration/back-end-groups/1/host-mode`, {
            quiet: true,
            body: { data: { type: 'back-end-host-mode-change', attributes: { hostName: p.host.name, mode: p.mode } } },
          });
          await api('POST', `${REST}/configuration/configurations/activate`, { quiet: true, body: { comment: `${ACTION[p.mode]} ${p.host.name} (web UI, ${session.username})` } });
        });
        setNotice({ type: 'success', text: `${p.host.name} is now ${modeLabel(p.mode).toLowerCase()}.` });
      }
    } catch (e) {
      setNotice({ type: 'error', text: e instanceof Error ? e.message : 'The change failed.' });
    } finally {
      setBusy(false);
      live.changed(); // read now, and fast for a while: the change is under way
    }
  };

  const pendingHost = pending?.kind === 'host' ? { ...pending, host: hosts.find((h) => h.name === pending.host.name) ?? pending.host } : pending;
  const dialog = pendingHost ? consequence(pendingHost, hosts, group, session) : null;
  return (
    <section className="Page" aria-labelledby="maintenance-title">
      <h1 id="maintenance-title">Maintenance</h1>
      <p className="Muted">Drain a server before patching it, disable it while it is down, enable it afterwards. Each change is activated at once and recorded in Events.</p>
      {notice && <InlineNotification type={notice.type} text={notice.text} role={notice.type === 'error' ? 'alert' : 'status'} data-testid="maintenance-notice" />}
      {switchover && <InlineNotification type="info" text={`Planned switchover from ${switchover.from} to ${switchover.target} in progress.`} role="status" />}
      <ScrollRegion label="Address Manager hosts table">
        <Table aria-label="Address Manager hosts" data-testid="hosts" className="Wide">
          <TableHead>
            <TableRow>
              <TableHeader>Server</TableHeader>
              <TableHeader>Mode and sessions</TableHeader>
              <TableHeader>Actions</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {liveHosts.map((h) => {
              const count = h.SessionCount.Count;
              const drain = drainProgress(peaks.current, h.name, h.mode, count);
              return (
                <TableRow key={h.name} data-host={h.name}>
                  <TableCell>
                    <div className="Host">
                      <span className="Host__name">{h.name}</span>
                      <Tag type={h.health === 'DOWN' ? 'gray' : colourOf(h.role)} text={roleLabel(h.role)} />
                      <Tag type={colourOf(h.health)} text={healthLabel(h.health)} />
                    </div>
                  </TableCell>
                  <TableCell className="Maintenance__mode">
                    <div data-testid={`mode-${h.name}`} data-mode={h.mode}>
                      {drain ? (
                        <ProgressBar
                          id={`drain-${h.name}`}
                          label={drain.done ? 'Drained' : 'Draining'}
                          helperText={drain.text}
                          value={drain.value}
                          max={drain.max}
                          status={drain.done ? 'finished' : 'active'}
                          size="small"
                        />
                      ) : (
                        modeLabel(h.mode)
                      )}
                    </div>
                    <p className="Muted Sessions">
                      <span data-testid={`count-${h.name}`}>{count}</span> session{count === 1 ? '' : 's'}
                    </p>
                  </TableCell>
                  <TableCell>
                    <div className="Row Actions">
                      {MODES.map((m) => {
                        const current = m === h.mode;
                        const inactive = current || busy || opening !== null;
                        return (
                          <Button
                            key={m}
                            size="small"
                            type={m === 'ENABLED' ? 'tertiary' : 'dangerTertiary'}
                            text={opening === `${h.name}:${m}` ? 'Checking…' : ACTION[m]}
                            aria-label={`${ACTION[m]} ${h.name}${current ? ' (current mode)' : ''}`}
                            // Not `disabled`: a disabled button is removed from the focus order, and focus would fall to the page top.
                            aria-disabled={inactive}
                            onClick={() => !inactive && void ask({ kind: 'host', host: h, mode: m }, `${h.name}:${m}`)}
                          />
                        );
                      })}
                    </div>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </ScrollRegion>
      {group && group.nodes.length > 1 && (
        <>
          <h2>Gateway nodes</h2>
          <p>
            Primary node: <strong data-testid="primary-node">{group.primary_node ?? 'none'}</strong>
          </p>
          <div className="Row">
            <Button type="dangerTertiary" text="Fail over to the other node" aria-disabled={busy} onClick={() => !busy && setPending({ kind: 'node' })} />
          </div>
        </>
      )}
      {pending && dialog && (
        <ConfirmDialog
          title={dialog.title}
          body={fresh?.note && pending.kind === 'host' ? `${dialog.body} ${fresh.note}` : dialog.body}
          confirmText={dialog.confirm}
          confirmBtnType={dialog.danger ? 'dangerPrimary' : 'primary'}
          onClose={() => setPending(null)}
          onConfirm={() => void apply(pending)}
        />
      )}
    </section>
  );
}
