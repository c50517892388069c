import { badRequest } from '../../../kernel/errors.js';

/**
 * Names as BlueCat's community `rest_api` workflow takes them in its paths and bodies, checked
 * before anything reaches BAM: a malformed name is a 400 naming the field; a well-formed one BAM
 * does not have is the route's 404 (in `rest_api`'s form, see entity.ts).
 */

/** The three record kinds external-dns's BlueCat provider uses, by `rest_api`'s path segment. */
export const RECORD_KINDS = {
  host_records: { type: 'HostRecord', label: 'Host Record' },
  cname_records: { type: 'AliasRecord', label: 'CName Record' },
  text_records: { type: 'TXTRecord', label: 'Text Record' },
} as const;
export type RecordKind = keyof typeof RECORD_KINDS;

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A DNS name, lower-cased and without a final dot; 400 naming `field` when it is not one. */
export function dnsName(field: string, raw: string, opts: { minLabels?: number } = {}): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length === 0 || name.length > 253 || labels.length < (opts.minLabels ?? 1) || !labels.every((l) => LABEL.test(l))) {
    throw badRequest(`${field} "${raw.slice(0, 100)}" is not a DNS name (labels of letters, digits, - and _, at most 63 each, 253 in all).`, [{ field, problem: 'not a DNS name' }]);
  }
  return name;
}

/**
 * A zone path of `rest_api`'s URLs: `com/zones/example` (one label per segment, `zones`
 * between) names example.com; a segment may also hold a dotted name (`example.com`, read
 * right to left, as `rest_api` reads one for records). Answers the labels from the top
 * (`['com', 'example']`); a path of another shape is a 400.
 */
export function zonePathLabels(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  const labels: string[] = [];
  segments.forEach((segment, i) => {
    if (i % 2 === 1) {
      if (segment !== 'zones') throw badRequest(`The zone path "${path.slice(0, 200)}" must alternate zone names and "zones" (com/zones/example).`, [{ field: 'zone', problem: 'not a zone path' }]);
      return;
    }
    labels.push(...dnsName('zone', segment).split('.').reverse());
  });
  if (labels.length === 0 || segments.length % 2 === 0) throw badRequest(`The zone path "${path.slice(0, 200)}" must end with a zone name.`, [{ field: 'zone', problem: 'not a zone path' }]);
  if (labels.join('.').length > 253) throw badRequest('The zone path names more than 253 characters.', [{ field: 'zone', problem: 'too long' }]);
  return labels;
}

/** The labels of a name from the top: `www.example.com` → `['com', 'example', 'www']`. */
export const topDown = (fqdn: string) => fqdn.split('.').reverse();

/** `['com', 'example']` → `example.com`. */
export const absolute = (labels: readonly string[]) => [...labels].reverse().join('.');

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `rest_api`'s `ip4_address`: one IPv4 address or several, comma-separated; 400 otherwise. */
export function ipv4List(raw: string): string[] {
  const addresses = raw.split(',').map((a) => a.trim());
  if (addresses.length > 100 || !addresses.every((a) => IPV4.test(a))) {
    throw badRequest(`ip4_address "${raw.slice(0, 100)}" is not an IPv4 address or a comma-separated list of them.`, [{ field: 'ip4_address', problem: 'not an IPv4 address' }]);
  }
  return addresses;
}
