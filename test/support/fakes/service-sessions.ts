import type { ServiceSession, ServiceSessionStore } from '../../../functions/sessions/ports.js';

/**
 * Each epoch's service session in memory, with the adapter's claim-and-complete conditions: a claim
 * only when none is stored or its lease ran out; `replacing`: only while that credential is stored.
 * The monitor's fakes keep it beside their state, as the adapter keeps it beside the state item.
 */
export class InMemoryServiceSessions implements ServiceSessionStore {
  readonly serviceSessions = new Map<number, ServiceSession>();

  async getServiceSession(epoch: number): Promise<ServiceSession | undefined> {
    const s = this.serviceSessions.get(epoch);
    return s ? { ...s } : undefined;
  }

  async claimServiceSession(epoch: number, server: string, holder: string, now: number, leaseMs: number, replacing?: string): Promise<boolean> {
    const s = this.serviceSessions.get(epoch);
    const leaseOver = s?.leaseUntil === undefined || s.leaseUntil < now;
    if (replacing !== undefined) {
      if (!s || s.credential !== replacing || !leaseOver) return false;
      Object.assign(s, { holder, leaseUntil: now + leaseMs, server });
      return true;
    }
    if (s && (s.credential !== undefined || s.leaseUntil === undefined || s.leaseUntil >= now)) return false;
    this.serviceSessions.set(epoch, { epoch, server, holder, leaseUntil: now + leaseMs });
    return true;
  }

  async completeServiceSession(epoch: number, holder: string, credential: string, replacing?: string): Promise<boolean> {
    const s = this.serviceSessions.get(epoch);
    if (!s || s.holder !== holder || s.credential !== replacing) return false;
    s.credential = credential;
    delete s.leaseUntil;
    return true;
  }
}
