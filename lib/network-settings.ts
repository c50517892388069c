/**
 * Where the functions that talk to BAM run (docs/deploying.md): CDK context read and checked at
 * synth time, without any AWS lookup, so `cdk synth` stays offline and a typo fails the synth with
 * the key named.
 *
 * Keys: `vpcId`, `privateSubnetIds`, `availabilityZones`, `privateRouteTableIds` (an existing VPC),
 * or `createVpc=true` (and optionally `vpcCidr`); `bamCidrs` with either. In a two-region group each
 * key may carry the region as a suffix (`vpcId.eu-west-2=...`): the second region's VPC keys must,
 * since a VPC belongs to one region; `bamCidrs`, `createVpc` and `vpcCidr` without a suffix hold for
 * both regions.
 */
export interface VpcSettings {
  /** An existing VPC, imported as named (no lookup). */
  existing?: { vpcId: string; subnetIds: string[]; availabilityZones: string[]; routeTableIds: string[] };
  /** A VPC the stack creates: isolated private subnets in two zones, no NAT, no internet gateway. */
  create?: { cidr: string };
  /** The BAM servers' networks: the only addresses the functions may reach besides the endpoints. */
  bamCidrs: string[];
  /** The TCP ports of the BAM URLs (443 for https://) and of the Failover API, when configured. */
  bamPorts: number[];
}

type ContextReader = (key: string) => unknown;

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8,17}$/;
const ZONE = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
/** Created VPC: away from the 10.0.0.0/16 and 172.31.0.0/16 that BAM networks and default VPCs often use. */
export const DEFAULT_VPC_CIDR = '10.213.0.0/16';

/**
 * One entry per region the gateway deploys to (index 0: the first or only region; 1: the second
 * region of a two-region group); `undefined` where no VPC is configured for that region.
 */
export function readVpcs(ctx: ContextReader, regions: string[], urls: { bam: string[]; failoverApi: string[] }): (VpcSettings | undefined)[] {
  const ports = bamPorts(urls);
  const literalHosts = [...urls.bam, ...urls.failoverApi].map((u) => new URL(u).hostname).filter((h) => IPV4.test(h));
  if (regions.length === 0) return [readOne(ctx, undefined, true, ports, literalHosts)];
  const vpcs = regions.map((r, i) => readOne(ctx, r, i === 0, ports, literalHosts));
  // A VPC in one region only is a forgotten key, not a design: the other node could not reach BAM.
  const without = regions.filter((_, i) => !vpcs[i]);
  if (without.length === 1)
    throw new Error(`context: ${without[0]} has no VPC while the other region has one: give "vpcId.${without[0]}" (and its subnets, zones, route tables) or "createVpc.${without[0]}=true"`);
  return vpcs;
}

function readOne(ctx: ContextReader, region: string | undefined, first: boolean, bamPorts: number[], literalHosts: string[]): VpcSettings | undefined {
  const where = region && !first ? ` for ${region}` : '';
  // Regional keys: the suffixed key, and the plain one only for the first region.
  const regional = (key: string): { name: string; value: string } | undefined => {
    const suffixed = region ? ctx(`${key}.${region}`) : undefined;
    if (suffixed !== undefined) return { name: `${key}.${region}`, value: String(suffixed).trim() };
    const plain = first ? ctx(key) : undefined;
    return plain === undefined ? undefined : { name: key, value: String(plain).trim() };
  };
  // Shared keys: the suffixed key, else the plain one (every region).
  const shared = (key: string) => regional(key) ?? (ctx(key) === undefined ? undefined : { name: key, value: String(ctx(key)).trim() });
  const vpcId = regional('vpcId');
  const subnets = regional('privateSubnetIds');
  const zones = regional('availabilityZones');
  const routeTables = regional('privateRouteTableIds');
  const createKey = shared('createVpc');
  const cidrs = shared('bamCidrs');
  const vpcCidr = shared('vpcCidr');
  if (createKey && !['true', 'false'].includes(createKey.value)) throw new Error(`context "${createKey.name}" must be true or false, got "${createKey.value}"`);
  const create = createKey?.value === 'true' && !vpcId;
  if (!vpcId && !create) {
    const stray = [subnets, zones, routeTables, vpcCidr].find(Boolean);
    if (stray) throw new Error(`context "${stray.name}" needs "vpcId"${where} (an existing VPC) or "createVpc=true"`);
    if (cidrs && (first || ctx(`bamCidrs.${region}`) !== undefined)) throw new Error(`context "${cidrs.name}" needs "vpcId"${where} or "createVpc=true": without a VPC the functions are not in one`);
    return undefined;
  }
  if (vpcId && createKey?.value === 'true' && (first || ctx(`createVpc.${region}`) !== undefined))
    throw new Error(`context "${vpcId.name}" and "createVpc=true" exclude each other: name an existing VPC or create one`);
  if (!cidrs) throw new Error(`context "bamCidrs"${where} is needed with a VPC: the BAM servers' networks, e.g. 10.0.0.0/24 (the functions may reach nothing else)`);
  const bamCidrs = list(cidrs.value);
  if (bamCidrs.length === 0) throw new Error(`context "${cidrs.name}" must list the BAM servers' networks, e.g. 10.0.0.0/24`);
  for (const c of bamCidrs) checkCidr(cidrs.name, c);
  for (const host of literalHosts) {
    if (!bamCidrs.some((c) => c.includes('.') && ipv4InCidr(host, c))) throw new Error(`context "${cidrs.name}" must include ${host}, a BAM address in "bamServers" or "failoverApi"`);
  }
  if (create) {
    const cidr = vpcCidr?.value ?? DEFAULT_VPC_CIDR;
    if (!IPV4_CIDR.test(cidr) || prefixOf(cidr) < 16 || prefixOf(cidr) > 23)
      throw new Error(`context "${vpcCidr?.name ?? 'vpcCidr'}" must be an IPv4 network from /16 to /23 (two /24 subnets fit), got "${cidr}"`);
    const overlap = bamCidrs.find((c) => c.includes('.') && ipv4Overlap(c, cidr));
    if (overlap) throw new Error(`context "${vpcCidr?.name ?? 'vpcCidr'}" (${cidr}) overlaps the BAM network ${overlap}: choose another range for the created VPC`);
    return { create: { cidr }, bamCidrs, bamPorts };
  }
  const id = vpcId!;
  if (!VPC_ID.test(id.value)) throw new Error(`context "${id.name}" must be a VPC id (vpc-...), got "${id.value}"`);
  if (!subnets || !zones || !routeTables) {
    const missing = [subnets ? '' : 'privateSubnetIds', zones ? '' : 'availabilityZones', routeTables ? '' : 'privateRouteTableIds'].filter(Boolean);
    throw new Error(`context "${id.name}" needs ${missing.map((m) => `"${m}${region && !first ? `.${region}` : ''}"`).join(', ')} too (imported without a lookup: CDK cannot read them from AWS)`);
  }
  const subnetIds = list(subnets.value);
  const availabilityZones = list(zones.value);
  const routeTableIds = list(routeTables.value);
  if (subnetIds.length === 0 || new Set(subnetIds).size !== subnetIds.length) throw new Error(`context "${subnets.name}" must list different subnet ids, e.g. subnet-0a1b2c3d,subnet-4e5f6a7b`);
  for (const s of subnetIds) if (!SUBNET_ID.test(s)) throw new Error(`context "${subnets.name}" must list subnet ids (subnet-...); "${s}" is not one`);
  if (availabilityZones.length !== subnetIds.length) throw new Error(`context "${zones.name}" must name the zone of each subnet in "${subnets.name}", in the same order (${subnetIds.length} zones)`);
  for (const z of availabilityZones) {
    if (!ZONE.test(z)) throw new Error(`context "${zones.name}" must list availability zone names (e.g. eu-west-1a); "${z}" is not one`);
    if (region && !z.startsWith(region)) throw new Error(`context "${zones.name}" names ${z}, which is not in ${region}`);
  }
  for (const r of routeTableIds) if (!ROUTE_TABLE_ID.test(r)) throw new Error(`context "${routeTables.name}" must list route table ids (rtb-...); "${r}" is not one`);
  if (routeTableIds.length !== 1 && routeTableIds.length !== subnetIds.length)
    throw new Error(`context "${routeTables.name}" must name one route table shared by the subnets, or one per subnet in the order of "${subnets.name}"`);
  return { existing: { vpcId: id.value, subnetIds, availabilityZones, routeTableIds }, bamCidrs, bamPorts };
}

/** The ports BAM is reached on: each URL's port, or the scheme's (443, 80 for http://). */
export function bamPorts(urls: { bam: string[]; failoverApi: string[] }): number[] {
  const port = (u: string) => {
    const url = new URL(u);
    return url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  };
  return [...new Set([...urls.bam, ...urls.failoverApi].map(port))].sort((a, b) => a - b);
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

function checkCidr(key: string, c: string): void {
  if (!IPV4_CIDR.test(c) && !IPV6_CIDR.test(c)) throw new Error(`context "${key}" must list networks in CIDR form (10.0.0.0/24, fd00::/64); "${c}" is not one`);
  // Everywhere is what the security groups exist to prevent.
  if (prefixOf(c) === 0) throw new Error(`context "${key}" must not include ${c}: the functions may reach the BAM servers and the VPC endpoints only`);
  if (IPV4_CIDR.test(c) && (ipv4ToInt(c.split('/')[0]!) & mask(prefixOf(c))) >>> 0 !== ipv4ToInt(c.split('/')[0]!))
    throw new Error(`context "${key}": ${c} has host bits set (did you mean ${intToIpv4((ipv4ToInt(c.split('/')[0]!) & mask(prefixOf(c))) >>> 0)}/${prefixOf(c)}?)`);
}

const prefixOf = (c: string) => Number(c.split('/')[1]);
const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
const intToIpv4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const mask = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

function ipv4InCidr(ip: string, cidr: string): boolean {
  const [base, p] = [cidr.split('/')[0]!, prefixOf(cidr)];
  return (ipv4ToInt(ip) & mask(p)) >>> 0 === (ipv4ToInt(base) & mask(p)) >>> 0;
}

function ipv4Overlap(a: string, b: string): boolean {
  const p = Math.min(prefixOf(a), prefixOf(b));
  return (ipv4ToInt(a.split('/')[0]!) & mask(p)) >>> 0 === (ipv4ToInt(b.split('/')[0]!) & mask(p)) >>> 0;
}
