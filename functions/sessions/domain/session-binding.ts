import type { MonitorState } from '../../monitor/domain/monitor-machine.js';

/** The login alias (sessions/session-service.ts PRIMARY_ALIAS), repeated so this module stays free of the session service. */
const PRIMARY_ALIAS = 'primary-address-manager';

export interface BoundSession {
  target: string;
  restorable: boolean;
  epoch: number;
  serverIncarnation: number;
  boundServer: string;
  sharedCredential: boolean;
}

/**
 * Whether the cluster has ended a session, read-only (SPEC §4.3, §11), mirroring the session
 * service's binding check without restoring anything: for callers that only need to know, like
 * the maintenance API. A restorable alias session is never ended (its next use restores it), nor
 * one whose fate is not decided yet (a failover in progress).
 */
export function endedByCluster(session: BoundSession, monitor: MonitorState | undefined): boolean {
  if (!monitor) return false;
  if (session.target !== PRIMARY_ALIAS) {
    const server = monitor.servers[session.target];
    if (!server) return false;
    return server.mode === 'DISABLED' || session.serverIncarnation < (server.maintenanceIncarnation ?? -1) || server.incarnation !== session.serverIncarnation;
  }
  if (monitor.epoch <= session.epoch || session.restorable) return false;
  if (monitor.monitoringState !== 'MONITORING' || !monitor.primary) return false;
  const samePrimary = monitor.primary === session.boundServer && session.epoch >= (monitor.primarySinceEpoch ?? monitor.epoch);
  return !(samePrimary && !session.sharedCredential);
}
