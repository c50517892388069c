import { EVENT_SOURCE } from './events.js';

/**
 * EventBridge event patterns for the gateway's subscriptions. The CDK stack turns each into a
 * rule; the local bus matches events against the very same objects.
 */
export type EventPattern = { [key: string]: unknown };

export const patterns = {
  /** Every event the gateway puts on its bus. */
  allGatewayEvents: { source: [EVENT_SOURCE] },
  /** Every role change: BAM servers and gateway nodes. */
  nodeRoleChanged: { source: [EVENT_SOURCE], 'detail-type': ['NODE_ROLE_CHANGED'] },
  /** Role changes of the gateway's own nodes only. */
  gatewayNodeRoleChanged: { source: [EVENT_SOURCE], 'detail-type': ['NODE_ROLE_CHANGED'], detail: { node: { kind: ['gateway'] } } },
  /** A gateway node that became Primary (the DNS subscriber's trigger). */
  gatewayNodePromoted: { source: [EVENT_SOURCE], 'detail-type': ['NODE_ROLE_CHANGED'], detail: { node: { kind: ['gateway'] }, new: ['PRIMARY'] } },
  /** A BAM server that became Primary. */
  addressManagerPromoted: { source: [EVENT_SOURCE], 'detail-type': ['NODE_ROLE_CHANGED'], detail: { node: { kind: ['address-manager'] }, new: ['PRIMARY'] } },
  /** Maintenance: host modes changed and configurations activated. */
  maintenance: { source: [EVENT_SOURCE], 'detail-type': ['BACKEND_HOST_MODE_CHANGED', 'CONFIGURATION_ACTIVATED'] },
  /** What an operator should be paged for: a failover starting, and split brain. */
  needsAttention: {
    source: [EVENT_SOURCE],
    $or: [{ 'detail-type': ['SPLIT_BRAIN_DETECTED'] }, { 'detail-type': ['MONITORING_STATE_CHANGED'], detail: { new: ['FAILOVER_IN_PROGRESS'] } }],
  },
} satisfies Record<string, EventPattern>;
