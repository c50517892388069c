import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import type { MonitorStateSource, ServiceSession, ServiceSessionStore } from '../../../functions/sessions/ports.js';

/**
 * The monitor's stored state as sessions read it, set by the test (`state`), and each epoch's
 * service session kept beside it, with the adapter's claim-and-complete conditions (a claim
 * only when none is stored or its lease ran out; `replacing`: only while that credential is stored).
 */
export class InMemoryMonitorState implements MonitorStateSource, ServiceSessionStore {
  state: MonitorState | undefined;
  readonly serviceSessions = new Map<number, ServiceSession>();
  /** How many times a state was read. */
  reads = 0;

  constructor(state?: MonitorState) {
    this.state = state;
  }

  async get(): Promise<{ state: MonitorState } | undefined> {
    this.reads++;
    return this.state ? { state: structuredClone(this.state) } : undefined;
  }

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
