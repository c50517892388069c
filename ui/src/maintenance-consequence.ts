import type { GroupView } from './types.js';

/** A host as the Airlock-style status answer shows it. */
export interface HostStatus {
  name: string;
  mode: string;
  health: string;
  role: string;
  SessionCount: { Count: number };
}

export type Mode = 'ENABLED' | 'NO_NEW_SESSIONS' | 'DISABLED';
export type Pending = { kind: 'host'; host: HostStatus; mode: Mode } | { kind: 'node' };
export const ACTION: Record<Mode, string> = { NO_NEW_SESSIONS: 'Drain', DISABLED: 'Disable', ENABLED: 'Enable' };

const ALIAS = 'primary-address-manager';

/** The operator's own session, as far as a change may end it. */
export interface Operator {
  target: string;
  restorable: boolean;
}

/**
 * Taking the Primary out is a planned switchover (docs/maintenance.md), not a plain drain or disable: say only
 * what that does. Only a restorable alias session survives it; the operator's own is no exception.
 */
function primaryOut(host: HostStatus, mode: Mode, target: HostStatus, me: Operator): string {
  const after = mode === 'DISABLED' ? 'then goes out of service for maintenance' : 'then takes no new sessions';
  const own = me.restorable && me.target === ALIAS ? `Your own session is restorable: it continues on ${target.name}.` : 'Your own session ends too: log in again afterwards.';
  return (
    `${host.name} is the Primary: this starts a planned switchover to ${target.name}, and ${host.name} ${after}. ` +
    `Calls that need the Primary are held (up to 10 s) until the switchover completes. ` +
    `Restorable sessions continue on ${target.name}; other sessions through ${ALIAS} and sessions pinned to ${host.name} end, and their users log in again. ${own}`
  );
}

/** What a change will do, said before it is made (docs/web-ui.md). */
export function consequence(p: Pending, hosts: HostStatus[], group: GroupView | null, me: Operator): { title: string; body: string; confirm: string; danger: boolean } {
  if (p.kind === 'node') {
    const other = group?.nodes.find((n) => n.node_id !== group.primary_node);
    return {
      title: 'Fail over the gateway nodes?',
      body: `Node ${group?.primary_node ?? '?'} hands the Primary role to node ${other?.node_id ?? '?'}. Sessions live in the shared table and keep working on either node.`,
      confirm: 'Fail over',
      danger: true,
    };
  }
  const { host, mode } = p;
  const title = `${ACTION[mode]} ${host.name}?`;
  // Read again as the dialog opened: someone (or a switchover) may have done it already.
  if (host.mode === mode) return { title, body: `${host.name} is already in this mode (${mode}): activating it again changes nothing.`, confirm: ACTION[mode], danger: false };
  if (host.role === 'PRIMARY' && mode !== 'ENABLED') {
    const target = hosts.find((h) => h.name !== host.name && h.role === 'STANDBY' && h.health === 'UP' && h.mode === 'ENABLED');
    const body = target ? primaryOut(host, mode, target, me) : `${host.name} is the Primary and no healthy enabled Standby can take over: the gateway will refuse this change.`;
    return { title, body, confirm: ACTION[mode], danger: true };
  }
  const n = host.SessionCount.Count;
  const sessions = `its ${n} open session${n === 1 ? '' : 's'}`;
  const bodies: Record<Mode, string> = {
    NO_NEW_SESSIONS: `${host.name} takes no new sessions; ${sessions} keep working until they end.`,
    DISABLED: `${host.name} goes out of service for maintenance: ${sessions} end now and its users must log in again.`,
    ENABLED: `${host.name} takes new sessions again.`,
  };
  return { title, body: bodies[mode], confirm: ACTION[mode], danger: mode !== 'ENABLED' };
}
