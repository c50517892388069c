import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a login is throttled by. One IPv6 client usually holds a whole /64 (and can rotate
 * through it at will), so IPv6 is keyed by its /64 prefix; an IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`) is the IPv4 client it stands for. Anything else is kept as given.
 */
export function throttleAddress(sourceIp: string): string {
  const ip = sourceIp.trim().toLowerCase().replace(/%.*$/, ''); // a zone id names a local interface, not a client
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const groups = hextets(ip);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail split in two). */
function hextets(ip: string): number[] {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
