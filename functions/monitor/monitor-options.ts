import type { BamServer, ProbeResult } from './domain/bam-server.js';
import type { HostModes, MachineSettings, MonitorState, Switchover } from './domain/monitor-machine.js';
import type { HandoverRequest, MonitorStore } from './ports.js';
import type { EventPublisher } from '../events/ports.js';

/** What a FailoverMonitor is built from: the servers and rules, its store and publisher, and its hooks. */
export interface MonitorOptions {
  servers: BamServer[];
  settings: MachineSettings;
  probeTimeoutMs: number;
  store: MonitorStore;
  publisher: EventPublisher;
  /**
   * false: this process never publishes (in AWS only the monitor function may put monitor events,
   * by IAM condition); what its rounds commit waits in the outbox for the monitor, which publishes
   * whatever it finds waiting when it reads the stored state.
   */
  publishes?: boolean;
  probe?: (name: string, url: string, timeoutMs: number) => Promise<ProbeResult>;
  now?: () => number;
  /** Probe bookkeeping (latency, last probe) is persisted at least this often even when nothing changes. */
  refreshMs?: number;
  onTransition?: (state: MonitorState, events: number) => void;
  /** The active configuration's host modes, read each round (one GetItem); a failed read keeps the last known modes. */
  modes?: () => Promise<HostModes>;
  /** Checked before each scheduled round: false skips it (this node is not the group's Primary). */
  gate?: () => Promise<boolean>;
  /**
   * Prepares asking the Primary to hand over to the planned switchover's target (BAM
   * failoverReplication): called as the round writes the switchover (a login may run meanwhile),
   * then sent only by the monitor whose write started it, cancelled otherwise. A BamHttpError
   * from `send` (BAM answered: refused) ends the switchover at once; any other failure (a timeout:
   * BAM may have done it) leaves it to complete or time out.
   */
  handover?: (switchover: Switchover) => HandoverRequest;
  onHandoverError?: (err: unknown, switchover: Switchover) => void;
  /** When the latest call a server served was sent, as this process saw it (default: every BAM answer it received, see bam/answers.ts). */
  servedAt?: (url: string) => number | undefined;
}

export interface RoundResult {
  state: MonitorState;
  committed: boolean;
  events: number;
}
