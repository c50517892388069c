import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import type { MonitorStateSource } from '../../../functions/sessions/ports.js';
import { InMemoryServiceSessions } from './service-sessions.js';

/**
 * The monitor's stored state as sessions read it, set by the test (`state`), and each epoch's
 * service session kept beside it, with the adapter's claim-and-complete conditions (a claim
 * only when none is stored or its lease ran out; `replacing`: only while that credential is stored).
 */
export class InMemoryMonitorState extends InMemoryServiceSessions implements MonitorStateSource {
  state: MonitorState | undefined;
  /** How many times a state was read. */
  reads = 0;

  constructor(state?: MonitorState) {
    super();
    this.state = state;
  }

  async get(): Promise<{ state: MonitorState } | undefined> {
    this.reads++;
    return this.state ? { state: structuredClone(this.state) } : undefined;
  }
}
