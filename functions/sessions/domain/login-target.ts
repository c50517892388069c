import { FailoverInProgressError, GatewayError, badRequest } from '../../kernel/errors.js';
import type { MonitorState } from '../../monitor/domain/monitor-machine.js';
import { PRIMARY_ALIAS } from './session-record.js';
import { serverNamed, type BamServer } from './servers.js';

export interface LoginRequest {
  username: string;
  password: string;
  bam_alias?: string;
  bam_url?: string;
}

/** Where a login goes: the alias or a server's name, the server to ask, and the epoch to bind in. */
export interface LoginTarget {
  target: string;
  server: BamServer;
  epoch: number;
}

/** Whether the login goes through the alias: named, or the default while failover monitoring runs. */
export function wantsAlias(req: LoginRequest, monitor: MonitorState): boolean {
  return req.bam_alias === PRIMARY_ALIAS || (req.bam_alias === undefined && req.bam_url === undefined && monitor.monitoringState !== 'STOPPED');
}

/**
 * The login's target from what it names (`bam_url`, `bam_alias`, or nothing) and the monitor's
 * state. An unknown name or URL is a 400; the alias during a failover or switchover is the
 * failover 503, and before monitoring found a Primary a 503 NoPrimaryKnown.
 */
export function resolveTarget(req: LoginRequest, monitor: MonitorState | undefined, servers: readonly BamServer[], retryAfterSeconds: number): LoginTarget {
  let target: string;
  if (req.bam_url !== undefined) {
    const url = req.bam_url.replace(/\/+$/, '');
    const match = servers.find((s) => s.url === url);
    if (!match) throw badRequest(`Unknown bam_url "${req.bam_url}": it is not one of the configured Address Manager servers.`);
    target = match.name;
  } else if (req.bam_alias !== undefined) {
    if (req.bam_alias !== PRIMARY_ALIAS && !servers.some((s) => s.name === req.bam_alias)) {
      throw badRequest(`Unknown bam_alias "${req.bam_alias}". Known: ${[PRIMARY_ALIAS, ...servers.map((s) => s.name)].join(', ')}.`);
    }
    target = req.bam_alias;
  } else {
    // The alias is the default while failover monitoring runs (it knows a Primary or is finding one).
    target = monitor && monitor.monitoringState !== 'STOPPED' ? PRIMARY_ALIAS : servers[0]!.name;
  }
  if (target !== PRIMARY_ALIAS) return { target, server: serverNamed(servers, target), epoch: monitor?.epoch ?? 0 };
  if (monitor?.monitoringState === 'FAILOVER_IN_PROGRESS' || monitor?.monitoringState === 'SWITCHOVER_IN_PROGRESS') throw new FailoverInProgressError(retryAfterSeconds);
  if (!monitor?.primary) {
    throw new GatewayError(503, 'NoPrimaryKnown', 'Failover monitoring has not found a Primary Address Manager yet. Try again shortly.', undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  }
  return { target, server: serverNamed(servers, monitor.primary), epoch: monitor.epoch };
}
