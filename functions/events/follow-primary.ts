import { logger } from '../kernel/logger.js';
import { decide, markerName, markerValue, parseMarker, targetHost } from './domain/dns-primary.js';
import type { NodeRoleChanged } from './domain/events.js';
import type { PrimaryDnsRecords } from './ports.js';

/**
 * The DNS subscriber's rule (deployed with `-c dnsHostedZoneId=... -c dnsRecordName=...`): when a gateway
 * node becomes PRIMARY, the group's API name (a CNAME) is pointed at that node's API. Idempotent on
 * the event id, and an older epoch never wins over a newer one (see functions/events/domain/dns-primary.ts).
 * Any other error (throttling past the SDK's retries, a missing zone) throws, so EventBridge
 * retries the event and finally dead-letters it.
 *
 * An event is a claim, not configuration: the name is pointed only at a configured node
 * (DNS_NODE_IDS, set by CDK from the group's nodes), and only at the API URL that node's group
 * agent recorded in the group state (from the NODE_URL CDK gave it). An event naming another node
 * or another URL is refused and logged, never followed.
 */
export interface DnsSettings {
  zoneId: string;
  recordName: string;
  ttl: number;
  /** The group's node ids; empty: none is followed. */
  nodeIds: string[];
}

/** Where a node's API is, as the group state records it (its agent's NODE_URL). */
export type NodeUrlOf = (nodeId: string) => Promise<string | null | undefined>;

export type DnsOutcome = 'ignored' | 'refused' | 'updated' | 'duplicate' | 'stale';

/** Points the record at the node the event promoted, unless this event (or a newer one) already did. */
export async function followPrimary(records: PrimaryDnsRecords, s: DnsSettings, detail: NodeRoleChanged, eventId: string, urlOf: NodeUrlOf): Promise<DnsOutcome> {
  if (detail.node.kind !== 'gateway' || detail.new !== 'PRIMARY') return 'ignored';
  if (!s.nodeIds.includes(detail.node.id)) {
    logger.warn('dns: refused an event naming a node that is not in the group', { node: detail.node.id.slice(0, 64), eventId });
    return 'refused';
  }
  const recorded = await urlOf(detail.node.id);
  // Thrown, not skipped: a node without a URL is a deployment error an operator must see (dead letters).
  const target = targetHost(recorded ?? null);
  if (!target) throw new Error(`gateway node ${detail.node.id} has no API URL to point ${s.recordName} at`);
  if (detail.node.url !== recorded) {
    logger.warn('dns: refused an event whose node URL is not the one the group records', { node: detail.node.id, eventId });
    return 'refused';
  }
  const name = markerName(s.recordName);
  for (let attempt = 0; attempt < 5; attempt++) {
    const previous = await records.readMarker(s.zoneId, name);
    const applied = parseMarker(previous?.value);
    const decision = decide(applied, { epoch: detail.epoch, eventId });
    if (decision.kind !== 'apply') return decision.kind;
    const marker = markerValue({ epoch: detail.epoch, eventId, node: detail.node.id });
    const swapped = await records.swap(s.zoneId, {
      recordName: s.recordName,
      target,
      ttl: s.ttl,
      markerName: name,
      marker,
      previous,
      comment: `gateway node ${detail.node.id} is Primary (epoch ${detail.epoch})`,
    });
    if (swapped) return 'updated';
    // The marker changed under us (another delivery): decide again on what it is now.
  }
  throw new Error(`${s.recordName}: the marker kept changing; retrying the event later`);
}
