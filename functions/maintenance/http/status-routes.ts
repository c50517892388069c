import { hostname } from 'node:os';
import { json, type HttpResult } from '../../kernel/http.js';
import { roleOf } from '../../group/domain/group.js';
import { switchoverStatus } from '../../monitor/domain/switchover-status.js';
import { healthOf, hostsOf, isOurGroup } from '../domain/configuration.js';
import { countSessions } from '../session-count.js';
import type { Call } from './call.js';
import { unknownGroup } from './configuration-routes.js';

/** The status routes: this gateway node, and the back-end group as the active configuration and the monitor see it. */

/** GET /system/status/node */
export async function nodeStatus(c: Call): Promise<HttpResult> {
  const { nodeId, version } = c.deps.settings;
  const role = nodeId ? roleOf(await c.deps.group.get(), nodeId) : 'NOT_IN_GROUP';
  const failoverState = role === 'PRIMARY' ? 'active' : role === 'SECONDARY' ? 'passive' : 'standalone';
  return json(200, { data: { type: 'node-status', id: nodeId ?? 'gateway', attributes: { version, hostName: hostname(), failoverState } } });
}

/** GET /system/status/back-end-groups/{group}: each host's active mode, health, role and session count, and the planned switchover. */
export async function groupStatus(c: Call): Promise<HttpResult> {
  if (!isOurGroup(c.params[0]!)) throw unknownGroup(c.params[0]!);
  const [active, monitor] = await Promise.all([c.deps.configurations.get(), c.deps.monitor.get()]);
  const state = monitor?.state;
  const hosts = await Promise.all(
    hostsOf(c.deps.settings.servers, active.modes).map(async (h) => ({
      name: h.name,
      protocol: h.protocol,
      hostName: h.hostName,
      port: h.port,
      mode: h.mode,
      health: healthOf(h.mode, state?.servers[h.name]?.health, state?.servers[h.name]?.consecutiveFailures),
      role: state?.servers[h.name]?.role ?? 'UNKNOWN',
      SessionCount: { Count: await countSessions(c.deps.gatewaySessions, h, state, c.now) },
    })),
  );
  return json(200, { data: { type: 'back-end-group-status', id: '1', attributes: { name: 'address-manager', backendHosts: hosts, switchover: switchoverStatus(state) } } });
}
