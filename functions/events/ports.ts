import type { PendingEvent } from './domain/events.js';

/**
 * The outbox pattern on one DynamoDB item: events are added to a map attribute `outbox` in the
 * same conditional write as the state change that produced them (so a change and its events
 * commit together or not at all), then published by whoever holds a short lease, then removed.
 * Writes only ever add map entries, so removing published ones never races a state change.
 */
export type Key = { pk: string; sk: string };

export interface Outbox {
  /** Events waiting, oldest first. */
  pending(): Promise<PendingEvent[]>;
  /** Takes the right to publish for `leaseMs`; false if another publisher holds it. */
  lease(holder: string, now: number, leaseMs: number): Promise<boolean>;
  /** Removes published events and releases the lease (if still held). */
  remove(ids: string[], holder: string): Promise<void>;
}

/** Where committed events go: EventBridge in AWS, the local bus (same protocol) in local mode. */
export interface EventPublisher {
  /** Publishes what it can; answers the ids that were accepted. Never throws for per-entry failures. */
  publish(events: PendingEvent[]): Promise<{ published: string[]; failed: string[] }>;
}

/** A marker record as read, handed back unchanged to replace it (Route 53 deletes only an exact match). */
export interface MarkerRecord {
  value: string | undefined;
}

/** The DNS records that follow the Primary: the name (a CNAME) and its marker TXT record (adapters/route53-record.ts). */
export interface PrimaryDnsRecords {
  /** The marker record of this exact name, if any. */
  readMarker(zoneId: string, name: string): Promise<MarkerRecord | undefined>;
  /** In one atomic change: replace the marker `previous` with `marker` and point the name at `target`; false when the marker changed meanwhile. */
  swap(zoneId: string, o: { recordName: string; target: string; ttl: number; markerName: string; marker: string; previous: MarkerRecord | undefined; comment: string }): Promise<boolean>;
}
