import { useEffect, useRef, useState } from 'react';
import { Button, ConfirmDialog, InlineNotification, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@bluecateng/pelagos';
import { ApiError, api } from '../api.js';
import { colourOf } from '../format.js';
import { may, useSession } from '../session.js';
import type { GroupView } from '../types.js';
import { ACTION, consequence, type HostStatus, type Mode, type Pending } from '../maintenance-consequence.js';
import { useVisibleInterval } from '../visible-interval.js';

interface GroupStatus {
  data: { attributes: { name: string; backendHosts: HostStatus[]; switchover: { state: string; target: string; startedAt: string } | null } };
}

const REST = '/airlock/rest';

/**
 * Maintenance (permission `maintenance`): host modes through the Airlock-style REST API, exactly as
 * a script would drive it (REST session, load, change, activate), live session counts, and the
 * manual gateway-node failover.
 */
export function MaintenancePage() {
  const session = useSession();
  const allowed = may(session, 'maintenance');
  const [hosts, setHosts] = useState<HostStatus[] | null>(null);
  const [switchover, setSwitchover] = useState<GroupStatus['data']['attributes']['switchover']>(null);
  const [group, setGroup] = useState<GroupView | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const restSession = useRef<Promise<void> | null>(null);

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

  useVisibleInterval(async () => {
    if (!allowed) return;
    const [status, nodes] = await Promise.allSettled([
      inRestSession(() => api<GroupStatus>('GET', `${REST}/system/status/back-end-groups/1`, { quiet: true })),
      may(session, 'availability_group') ? api<GroupView>('GET', '/ag/api/v1/group', { quiet: true }) : Promise.resolve(null),
    ]);
    if (status.status === 'fulfilled') {
      setHosts(status.value.data.attributes.backendHosts);
      setSwitchover(status.value.data.attributes.switchover);
    } else {
      setNotice({ type: 'error', text: `Status not updated: ${status.reason instanceof Error ? status.reason.message : 'the gateway cannot be reached.'}` });
    }
    setGroup(nodes.status === 'fulfilled' ? nodes.value : null);
  }, 2000);

  if (!allowed) {
    return (
      <section className="Page">
        <h1>Maintenance</h1>
        <InlineNotification type="info" text="Maintenance needs the maintenance permission." role="status" />
      </section>
    );
  }

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
        setNotice({ type: 'success', text: `${p.host.name} is now ${p.mode}.` });
      }
    } catch (e) {
      setNotice({ type: 'error', text: e instanceof Error ? e.message : 'The change failed.' });
    } finally {
      setBusy(false);
    }
  };

  const dialog = pending ? consequence(pending, hosts ?? [], group, session) : null;
  return (
    <section className="Page" aria-labelledby="maintenance-title">
      <h1 id="maintenance-title">Maintenance</h1>
      <p className="Muted">Drain a server before patching it, disable it while it is down, enable it afterwards. Each change is activated at once and recorded in Events.</p>
      {notice && <InlineNotification type={notice.type} text={notice.text} role={notice.type === 'error' ? 'alert' : 'status'} data-testid="maintenance-notice" />}
      {switchover && <InlineNotification type="info" text={`Planned switchover to ${switchover.target}: ${switchover.state}.`} role="status" />}
      <Table aria-label="Address Manager hosts" data-testid="hosts">
        <TableHead>
          <TableRow>
            <TableHeader>Server</TableHeader>
            <TableHeader>Role</TableHeader>
            <TableHeader>Health</TableHeader>
            <TableHeader>Mode</TableHeader>
            <TableHeader>Sessions</TableHeader>
            <TableHeader>Actions</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {(hosts ?? []).map((h) => (
            <TableRow key={h.name} data-host={h.name}>
              <TableCell>{h.name}</TableCell>
              <TableCell>
                <Tag type={colourOf(h.role)} text={h.role} />
              </TableCell>
              <TableCell>
                <Tag type={colourOf(h.health)} text={h.health} />
              </TableCell>
              <TableCell data-testid={`mode-${h.name}`}>{h.mode}</TableCell>
              <TableCell data-testid={`count-${h.name}`}>{h.SessionCount.Count}</TableCell>
              <TableCell>
                <div className="Row">
                  {(['NO_NEW_SESSIONS', 'DISABLED', 'ENABLED'] as Mode[])
                    .filter((m) => m !== h.mode)
                    .map((m) => (
                      <Button
                        key={m}
                        size="small"
                        type={m === 'ENABLED' ? 'tertiary' : 'dangerTertiary'}
                        text={ACTION[m]}
                        aria-label={`${ACTION[m]} ${h.name}`}
                        disabled={busy}
                        onClick={() => setPending({ kind: 'host', host: h, mode: m })}
                      />
                    ))}
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {group && group.nodes.length > 1 && (
        <>
          <h2>Gateway nodes</h2>
          <p>
            Primary node: <strong data-testid="primary-node">{group.primary_node ?? 'none'}</strong>
          </p>
          <div className="Row">
            <Button type="dangerTertiary" text="Fail over to the other node" disabled={busy} onClick={() => setPending({ kind: 'node' })} />
          </div>
        </>
      )}
      {pending && dialog && (
        <ConfirmDialog
          title={dialog.title}
          body={dialog.body}
          confirmText={dialog.confirm}
          confirmBtnType={dialog.danger ? 'dangerPrimary' : 'primary'}
          onClose={() => setPending(null)}
          onConfirm={() => void apply(pending)}
        />
      )}
    </section>
  );
}
