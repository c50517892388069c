/** The gateway's EventBridge contract. Shared by publishers, the local bus and CDK rules. */
export const EVENT_SOURCE = 'failover-gateway';

export type DetailType = 'NODE_ROLE_CHANGED' | 'MONITORING_STATE_CHANGED' | 'SPLIT_BRAIN_DETECTED' | 'BACKEND_HOST_MODE_CHANGED' | 'CONFIGURATION_ACTIVATED';

export interface NodeRoleChanged {
  node: { kind: 'address-manager' | 'gateway'; id: string; url: string | null };
  previous: string | null;
  new: string;
  epoch: number;
  occurredAt: string;
  reason: string;
}

export interface MonitoringStateChanged {
  previous: string;
  new: string;
  primaryUrl: string | null;
  epoch: number;
  occurredAt: string;
}

export interface SplitBrainDetected {
  servers: { name: string; url: string }[];
  epoch: number;
  occurredAt: string;
}

/** A BAM server's maintenance mode changed by an activation. `epoch` is the monitor's. */
export interface BackendHostModeChanged {
  group: string;
  host: { name: string; url: string };
  previous: string;
  new: string;
  by: string;
  comment: string;
  epoch: number;
  occurredAt: string;
}

/** A maintenance configuration became active; `changes` lists the hosts whose mode it changed. */
export interface ConfigurationActivated {
  version: number;
  previousVersion: number;
  by: string;
  comment: string;
  merged: boolean;
  changes: { host: string; previous: string; new: string }[];
  epoch: number;
  occurredAt: string;
}

/**
 * An event waiting in an outbox. `id` is stable (derived from the state version that produced
 * it), so a consumer can drop the rare duplicate of an at-least-once delivery.
 */
export type PendingEvent =
  | { id: string; detailType: 'NODE_ROLE_CHANGED'; detail: NodeRoleChanged }
  | { id: string; detailType: 'MONITORING_STATE_CHANGED'; detail: MonitoringStateChanged }
  | { id: string; detailType: 'SPLIT_BRAIN_DETECTED'; detail: SplitBrainDetected }
  | { id: string; detailType: 'BACKEND_HOST_MODE_CHANGED'; detail: BackendHostModeChanged }
  | { id: string; detailType: 'CONFIGURATION_ACTIVATED'; detail: ConfigurationActivated };
