import type { BoundSessionFilter } from '../../../functions/sessions/ports.js';
import type { BoundSessionCounter, GatewaySessionReader, GatewaySessionView } from '../../../functions/maintenance/ports.js';

/**
 * Gateway sessions as the maintenance API reads them, in memory, by token hash. Counting follows
 * the session index's rules: a pinned session is bound to its server, an alias session to the
 * alias (counted for the server it was bound on); only live sessions count.
 */
export class InMemoryGatewaySessions implements GatewaySessionReader, BoundSessionCounter {
  readonly sessions = new Map<string, GatewaySessionView>();

  async get(tokenHash: string): Promise<GatewaySessionView | undefined> {
    const s = this.sessions.get(tokenHash);
    return s && structuredClone(s);
  }

  async countBound(server: string, now: number, which: BoundSessionFilter): Promise<{ count: number; requests: number }> {
    const live = [...this.sessions.values()].filter((s) => s.expiresAt > now);
    const pinned = which.pinned ? live.filter((s) => s.target === server && (which.pinned!.incarnation === undefined || s.serverIncarnation === which.pinned!.incarnation)).length : 0;
    const alias = which.alias ? live.filter((s) => s.target === which.alias!.target && s.boundServer === server && (s.restorable || s.epoch >= which.alias!.sinceEpoch)).length : 0;
    return { count: pinned + alias, requests: 1 };
  }
}
