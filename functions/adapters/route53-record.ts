import type { MarkerRecord, PrimaryDnsRecords } from '../events/ports.js';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client, type Change, type ResourceRecordSet } from '@aws-sdk/client-route-53';

/** Module scope: a warm Lambda reuses its connections. Route 53 is global; the SDK picks its endpoint. */
export const route53 = new Route53Client({ maxAttempts: 5 });

const fqdn = (name: string) => `${name.replace(/\.$/, '')}.`;

/** The TXT record set of this exact name, if any (Route 53 lists from a name on, in order). */
export async function readTxt(client: Route53Client, zoneId: string, name: string): Promise<ResourceRecordSet | undefined> {
  const res = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: fqdn(name), StartRecordType: 'TXT', MaxItems: 1 }));
  const set = res.ResourceRecordSets?.[0];
  return set && set.Type === 'TXT' && fqdn(set.Name ?? '') === fqdn(name) ? set : undefined;
}

/**
 * In one atomic change batch: replace the marker `previous` (DELETE must match it exactly, or
 * Route 53 refuses the whole batch) with `marker`, and UPSERT the CNAME. A batch refused because the
 * marker changed meanwhile answers false: another delivery won, read again.
 */
export async function swapRecord(
  client: Route53Client,
  zoneId: string,
  opts: { recordName: string; target: string; ttl: number; markerName: string; marker: string; previous: ResourceRecordSet | undefined; comment: string },
): Promise<boolean> {
  const changes: Change[] = [];
  if (opts.previous) changes.push({ Action: 'DELETE', ResourceRecordSet: opts.previous });
  changes.push({ Action: 'CREATE', ResourceRecordSet: { Name: fqdn(opts.markerName), Type: 'TXT', TTL: opts.ttl, ResourceRecords: [{ Value: opts.marker }] } });
  changes.push({ Action: 'UPSERT', ResourceRecordSet: { Name: fqdn(opts.recordName), Type: 'CNAME', TTL: opts.ttl, ResourceRecords: [{ Value: opts.target }] } });
  try {
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: opts.comment.slice(0, 256), Changes: changes } }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'InvalidChangeBatch') return false;
    throw err;
  }
}

type RouteMarker = MarkerRecord & { set: ResourceRecordSet };

/** The DNS subscriber's records on Route 53, through the module-scope client. */
export const route53Records: PrimaryDnsRecords = {
  async readMarker(zoneId, name) {
    const set = await readTxt(route53, zoneId, name);
    return set ? ({ value: set.ResourceRecords?.[0]?.Value, set } satisfies RouteMarker) : undefined;
  },
  swap: (zoneId, o) => swapRecord(route53, zoneId, { ...o, previous: (o.previous as RouteMarker | undefined)?.set }),
};
