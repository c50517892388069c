import { readVpcs, type VpcSettings } from './network-settings.js';

/**
 * Deployment settings, from CDK context (`-c key=value` or cdk.json). Validated at synth time
 * so a bad value fails `cdk synth` with a message naming the key, not a Lambda at 3 a.m.
 */
export interface GatewaySettings {
  bamServers: string;
  bamApiVersion: '1' | '2';
  serviceUsername: string;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  failuresBeforeFailover: number;
  /** How long a planned switchover of the Primary may take (SWITCHOVER_BOUND_MS). */
  switchoverBoundMs: number;
  /** Absolute session lifetime (SESSION_MAX_LIFETIME_SECONDS), default 12 h. */
  sessionMaxLifetimeSeconds: number;
  /** This deployment's node id in an availability group; absent: a single gateway. */
  nodeId?: string;
  /** `-c nodes=a,b`: deploy the availability group (a shared stack and one stack per node). */
  nodes: string[];
  /**
   * `-c regions=<a's>,<b's> -c witnessRegion=<third>`: the group in two regions, one node per
   * region, on a multi-Region strongly consistent (MRSC) global table witnessed from a third region.
   * Empty: every stack in the one region the CLI deploys to.
   */
  regions: string[];
  witnessRegion?: string;
  /** `-c dnsHostedZoneId=... -c dnsRecordName=...`: the DNS subscriber points that name at the Primary's API. */
  dns?: { hostedZoneId: string; recordName: string; nodeIds: string[] };
  healthReportIntervalMs: number;
  healthCheckIntervalMs: number;
  allowedAbsenceIntervalMs: number;
  /** WAF: requests to /rest_login per source IP per 5 minutes before a 429. */
  loginRateLimit: number;
  /** WAF: requests per source IP per 5 minutes, any path, before a 429. */
  requestRateLimit: number;
  /**
   * BAM's Failover API (mutual TLS): `failoverApi` = name=https://host:8444,...; `failoverClientCert`
   * and `failoverCa` are PEM. The client key is the secret's `failoverClientKey` field, never context.
   */
  failover?: { api: string; clientCert: string; ca: string };
  /** Minutes a back-end host may stay DISABLED (maintenance) before HostDisabledTooLongAlarm fires. */
  disabledHostAlarmMinutes: number;
  /** The VPC of each region (index 0: the first or only region), lib/network-settings.ts; undefined: no VPC there. */
  vpcs: (VpcSettings | undefined)[];
}

type ContextReader = (key: string) => unknown;

const DEFAULT_SERVERS = 'bam1=https://bam1.example.com,bam2=https://bam2.example.com';

export function readSettings(ctx: ContextReader): GatewaySettings {
  const str = (key: string, def: string) => {
    const v = ctx(key);
    return v === undefined ? def : String(v);
  };
  const int = (key: string, def: number, min: number, max: number) => {
    const v = Number(str(key, String(def)));
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`context "${key}" must be a whole number from ${min} to ${max}, got "${str(key, '')}"`);
    return v;
  };
  const bamServers = str('bamServers', DEFAULT_SERVERS);
  for (const part of bamServers.split(',')) {
    if (!/^[A-Za-z0-9_.-]+=https?:\/\/\S+$/.test(part.trim())) throw new Error(`context "bamServers" must be name=url,name=url; "${part}" is not`);
  }
  const bamApiVersion = str('bamApiVersion', '2');
  if (bamApiVersion !== '1' && bamApiVersion !== '2') throw new Error(`context "bamApiVersion" must be 1 or 2, got "${bamApiVersion}"`);
  const probeIntervalMs = int('probeIntervalMs', 2000, 500, 30_000);
  const probeTimeoutMs = int('probeTimeoutMs', 1500, 200, 10_000);
  // A held call must still answer inside API Gateway's 30 s: the functions also cap each hold at
  // 28 s minus two BAM timeouts (SessionService.holdBudgetMs).
  const switchoverBoundMs = int('switchoverBoundMs', 10_000, 1000, 25_000);
  const nodeId = ctx('nodeId') === undefined ? undefined : String(ctx('nodeId'));
  if (nodeId !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(nodeId)) throw new Error(`context "nodeId" must be 1-32 letters, digits, _ or -, got "${nodeId}"`);
  const regions = readRegions(ctx);
  // Two regions: MRSC reads and writes take hundreds of ms, and a refused write is retried; more
  // heartbeats within the allowed absence keep the Primary's lease through a few slow or refused ones.
  const timing = regions.regions.length ? TWO_REGION_TIMING : ONE_REGION_TIMING;
  const healthReportIntervalMs = int('healthReportIntervalMs', timing.report, 500, 60_000);
  const healthCheckIntervalMs = int('healthCheckIntervalMs', timing.check, 500, 60_000);
  const allowedAbsenceIntervalMs = int('allowedAbsenceIntervalMs', timing.absence, 1000, 300_000);
  if (allowedAbsenceIntervalMs <= healthReportIntervalMs) throw new Error('context "allowedAbsenceIntervalMs" must be longer than "healthReportIntervalMs"');
  const nodes =
    ctx('nodes') === undefined
      ? []
      : String(ctx('nodes'))
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
  for (const n of nodes) if (!/^[A-Za-z0-9_-]{1,32}$/.test(n)) throw new Error(`context "nodes" must list node ids (1-32 letters, digits, _ or -), got "${n}"`);
  if (nodes.length === 1 || new Set(nodes).size !== nodes.length) throw new Error('context "nodes" must list two or more different node ids, e.g. a,b');
  if (regions.regions.length && nodes.length !== regions.regions.length)
    throw new Error('context "regions" must name one region per node of "nodes" (e.g. -c nodes=a,b -c regions=eu-west-1,eu-west-2)');
  const failover = readFailover(str);
  const disabledHostAlarmMinutes = readMinutes(ctx, 'disabledHostAlarmMinutes', 240);
  const dns = readDns(str);
  const urlsOf = (list: string) => list.split(',').map((p) => p.trim().slice(p.trim().indexOf('=') + 1));
  const vpcs = readVpcs(ctx, regions.regions, { bam: urlsOf(bamServers), failoverApi: failover ? urlsOf(failover.api) : [] });
  return {
    vpcs,
    disabledHostAlarmMinutes,
    ...(failover ? { failover } : {}),
    // The DNS subscriber follows only these nodes (functions/lambdas/subscribers/dns-follows-primary.ts).
    ...(dns ? { dns: { ...dns, nodeIds: nodes } } : {}),
    ...regions,
    nodes,
    ...(nodeId ? { nodeId } : {}),
    healthReportIntervalMs,
    healthCheckIntervalMs,
    allowedAbsenceIntervalMs,
    bamServers,
    bamApiVersion,
    serviceUsername: str('serviceUsername', 'gateway-svc'),
    probeIntervalMs,
    probeTimeoutMs,
    failuresBeforeFailover: int('failuresBeforeFailover', 2, 1, 10),
    switchoverBoundMs,
    sessionMaxLifetimeSeconds: int('sessionMaxLifetimeSeconds', 12 * 3600, 60, 30 * 24 * 3600),
    loginRateLimit: int('loginRateLimit', 100, 10, 2_000_000_000),
    requestRateLimit: int('requestRateLimit', 3000, 10, 2_000_000_000),
  };
}

/** Up to 30 days: a host out of service longer than that is forgotten, not in maintenance. */
const MAX_ALARM_MINUTES = 30 * 24 * 60;

function readMinutes(ctx: ContextReader, key: string, def: number): number {
  const raw = ctx(key);
  const v = raw === undefined ? def : typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(v) || v < 1 || v > MAX_ALARM_MINUTES) {
    throw new Error(`context "${key}" must be a whole number of minutes from 1 to ${MAX_ALARM_MINUTES}, got "${String(raw)}"`);
  }
  return v;
}

/** Group timing defaults (ms): one region; two regions on an MRSC table (docs/availability-group.md, "Two-region group", has the arithmetic). */
export const ONE_REGION_TIMING = { report: 5000, check: 5000, absence: 15_000 };
export const TWO_REGION_TIMING = { report: 2000, check: 2000, absence: 10_000 };

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function readRegions(ctx: ContextReader): { regions: string[]; witnessRegion?: string } {
  if (ctx('regions') === undefined) {
    if (ctx('witnessRegion') !== undefined) throw new Error('context "witnessRegion" needs "regions" (the two node regions)');
    return { regions: [] };
  }
  const regions = String(ctx('regions'))
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of regions) if (!REGION.test(r)) throw new Error(`context "regions" must list AWS regions, e.g. eu-west-1,eu-west-2; "${r}" is not one`);
  if (regions.length !== 2 || regions[0] === regions[1]) throw new Error('context "regions" must name two different regions, one per node');
  const witness = ctx('witnessRegion') === undefined ? '' : String(ctx('witnessRegion')).trim();
  // MRSC: two replicas and a witness in a third region of the same region set (DynamoDB checks the set).
  if (!REGION.test(witness)) throw new Error('context "witnessRegion" must be a third AWS region (MRSC keeps a witness copy there), e.g. eu-west-3');
  if (regions.includes(witness)) throw new Error('context "witnessRegion" must differ from both "regions"');
  return { regions, witnessRegion: witness };
}

function readDns(str: (key: string, def: string) => string): Omit<NonNullable<GatewaySettings['dns']>, 'nodeIds'> | undefined {
  const hostedZoneId = str('dnsHostedZoneId', '').trim();
  const recordName = str('dnsRecordName', '').trim().replace(/\.$/, '').toLowerCase();
  if (!hostedZoneId && !recordName) return undefined;
  if (!/^[A-Z0-9]{1,32}$/.test(hostedZoneId)) throw new Error('context "dnsHostedZoneId" must be a Route 53 hosted zone id (with "dnsRecordName")');
  if (!/^([a-z0-9_-]{1,63}\.)+[a-z0-9-]{1,63}$/.test(recordName)) throw new Error('context "dnsRecordName" must be a DNS name in that zone, e.g. gateway.example.com');
  return { hostedZoneId, recordName };
}

function readFailover(str: (key: string, def: string) => string): GatewaySettings['failover'] {
  const api = str('failoverApi', '').trim();
  if (!api) return undefined;
  for (const part of api.split(',')) {
    if (!/^[A-Za-z0-9_.-]+=https:\/\/[^\s/]+\/?$/.test(part.trim())) throw new Error(`context "failoverApi" must be name=https://host:port,...; "${part}" is not`);
  }
  const pem = (key: string) => {
    const v = str(key, '').replace(/\\n/g, '\n');
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(v)) throw new Error(`context "${key}" must be a PEM certificate when "failoverApi" is set`);
    return v;
  };
  return { api, clientCert: pem('failoverClientCert'), ca: pem('failoverCa') };
}
