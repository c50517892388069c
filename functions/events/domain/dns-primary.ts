/**
 * DNS following the group's Primary (workflows adapt to role changes, docs/external-dns.md): on a gateway
 * node becoming PRIMARY, the group's API name is pointed at that node's API. Which change applies
 * is decided here, without AWS: a marker record next to the name remembers the last applied
 * event (its epoch and id), so a duplicate delivery does nothing and an older epoch never
 * overwrites a newer one, whatever order EventBridge delivers in.
 */
export interface AppliedMarker {
  epoch: number;
  eventId: string;
  node: string;
}

export type DnsDecision = { kind: 'apply' } | { kind: 'duplicate' } | { kind: 'stale'; applied: AppliedMarker };

/** The TXT record holding the marker: beside the record it guards, so one zone permission covers both. */
export function markerName(recordName: string): string {
  return `_gateway-primary.${recordName.replace(/\.$/, '')}`;
}

/** A TXT value (quoted, as Route 53 stores it). */
export function markerValue(m: AppliedMarker): string {
  return `"epoch=${m.epoch} event=${m.eventId} node=${m.node}"`;
}

export function parseMarker(value: string | undefined): AppliedMarker | undefined {
  const m = /^"?epoch=(\d+) event=(\S+) node=(\S+?)"?$/.exec(value ?? '');
  return m ? { epoch: Number(m[1]), eventId: m[2]!, node: m[3]! } : undefined;
}

export function decide(applied: AppliedMarker | undefined, event: { epoch: number; eventId: string }): DnsDecision {
  if (!applied) return { kind: 'apply' };
  if (applied.eventId === event.eventId) return { kind: 'duplicate' };
  if (applied.epoch >= event.epoch) return { kind: 'stale', applied };
  return { kind: 'apply' };
}

/** The host name a CNAME points at: the node's API URL without scheme, port or path. */
export function targetHost(nodeUrl: string | null): string | undefined {
  if (!nodeUrl) return undefined;
  try {
    const host = new URL(nodeUrl).hostname;
    return host || undefined;
  } catch {
    return undefined;
  }
}
