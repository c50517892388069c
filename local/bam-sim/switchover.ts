import type { SimBamServer } from './server.js';

/** A refusal of `failoverReplication`, as the REST v1 answer BAM would give (statuses modelled). */
export interface SwitchoverRefusal {
  status: number;
  message: string;
}

/**
 * Finds the Standby that `standbyServer` names: the host:port of its REST address (BAM's
 * documented argument is the Standby's address; on loopback only the port tells servers apart),
 * its full URL, or its configured name.
 */
export function findStandby(servers: Iterable<SimBamServer>, standbyServer: string): SimBamServer | undefined {
  const wanted = standbyServer.trim().replace(/\/+$/, '');
  for (const s of servers) {
    if (s.name === wanted || s.url === wanted || s.url.replace(/^https?:\/\//, '') === wanted) return s;
  }
  return undefined;
}

/** Why `from` may not hand over to `standbyServer` now, or undefined when it may. */
export function switchoverRefusal(servers: Iterable<SimBamServer>, from: SimBamServer, standbyServer: string | null): SwitchoverRefusal | undefined {
  if (from.role !== 'Primary') return { status: 409, message: `Replication failover must be performed on the Primary server; ${from.name} is ${from.role}` };
  if (!standbyServer) return { status: 400, message: 'Parameter standbyServer is required: the address of the Standby server to make Primary' };
  const target = findStandby(servers, standbyServer);
  if (!target) return { status: 400, message: `No server ${standbyServer} in this replication cluster` };
  if (target.role !== 'Standby') return { status: 409, message: `Server ${target.name} is ${target.role}: only a Standby server can become the Primary` };
  if (target.mode !== 'up') return { status: 409, message: `Standby server ${target.name} is not reachable` };
  return undefined;
}
