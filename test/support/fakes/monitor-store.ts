import type { PendingEvent } from '../../../functions/events/domain/events.js';
import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import type { MonitorStore, ServiceSession, StoredMonitor } from '../../../functions/monitor/ports.js';
import { InMemoryOutbox } from './outbox.js';

/**
 * The monitor's state item in memory, with the adapter's rules: a state is written only over the
 * version before it (the first only when none is stored), its events join the outbox in the same
 * write; reads and writes copy, as a table does. Each epoch's service session is kept beside it,
 * claimed and completed under the adapter's conditions.
 */
export class InMemoryMonitorStore implements MonitorStore {
  /** The stored state, as a test inspects it (undefined: nothing written yet). */
  stored?: MonitorState;
  readonly outbox = new InMemoryOutbox(() => this.stored !== undefined);
  readonly serviceSessions = new Map<number, ServiceSession>();

  async get(): Promise<StoredMonitor | undefined> {
    if (!this.stored) return undefined;
    return { state: structuredClone(this.stored), outbox: await this.outbox.pending() };
  }

  async commit(next: MonitorState, events: PendingEvent[]): Promise<boolean> {
    if ((this.stored?.version ?? 0) !== next.version - 1) return false;
    this.stored = structuredClone(next);
    this.outbox.add(events);
    return true;
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
