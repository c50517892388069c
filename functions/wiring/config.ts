import * as z from 'zod/mini';
import { validate } from '../kernel/validation.js';
import { heldSecrets } from './held-secrets.js';
import { environment } from './environment.js';
import type { BamServer } from '../kernel/bam-types.js';
import type { FailoverApiConfig } from '../kernel/bam-types.js';
import type { GatewayConfig, GroupConfig } from '../kernel/gateway-config.js';
import { HELD_CALL_LIMIT_MS } from '../kernel/gateway-config.js';
export type { GatewayConfig, GroupConfig };
export { HELD_CALL_LIMIT_MS };
export type { FailoverApiConfig };
export type { BamServer };

/**
 * Runtime configuration of every gateway function, read from environment variables.
 * In AWS the CDK stack sets them, and the secrets come from module memory (see held-secrets.ts);
 * in local mode bin/local.ts sets them all. Parsed with zod so a
 * misconfigured deployment fails on its first invocation with a message naming the variable.
 */

/** `name=url,name=url` → servers; answers the first bad entry's problem. */
function parseServers(raw: string): BamServer[] | string {
  const servers: BamServer[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const url = part
      .slice(eq + 1)
      .trim()
      .replace(/\/+$/, '');
    if (eq <= 0 || !/^[A-Za-z0-9_.-]+$/.test(name) || !/^https?:\/\/[^\s/]+/.test(url)) return `expected name=url, got "${part}"`;
    servers.push({ name, url });
  }
  return servers.length ? servers : 'no server listed';
}

/** `name=https://host:port,...` → Failover API URL per server name; answers the first bad entry's problem. */
function parseFailoverApi(raw: string, servers: BamServer[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const url = part
      .slice(eq + 1)
      .trim()
      .replace(/\/+$/, '');
    if (eq <= 0 || !/^https:\/\/[^\s/]+$/.test(url)) return `expected name=https://host:port, got "${part}"`;
    if (!servers.some((s) => s.name === name)) return `"${name}" is not a server of BAM_SERVERS`;
    out[name] = url;
  }
  return out;
}

const PEM = (kind: string) => new RegExp(`-----BEGIN [A-Z ]*${kind}-----[\\s\\S]+-----END [A-Z ]*${kind}-----`);
const pemOf = (kind: string) => z.optional(z.string().check(z.regex(PEM(kind), `must be a PEM ${kind.toLowerCase()}`)));

const intFrom = (def: number, min = 1) => z._default(z.coerce.number().check(z.int(), z.minimum(min)), def);
const nonEmpty = () => z.string().check(z.minLength(1));

/** What the group agent reads: no BAM server, secret or key (it has none, docs/security.md). */
const groupFields = {
  TABLE_NAME: z.string().check(z.minLength(3)),
  NODE_ID: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32'))),
  NODE_URL: z.optional(z.url()),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), 'default'),
  HEALTH_REPORT_INTERVAL_MS: intFrom(1000),
  HEALTH_CHECK_INTERVAL_MS: intFrom(1000),
  ALLOWED_ABSENCE_INTERVAL_MS: intFrom(3000),
};
type Intervals = { ALLOWED_ABSENCE_INTERVAL_MS: number; HEALTH_REPORT_INTERVAL_MS: number };
const absenceLongerThanReport = z.refine<Intervals>((e) => e.ALLOWED_ABSENCE_INTERVAL_MS > e.HEALTH_REPORT_INTERVAL_MS, {
  message: 'must be longer than HEALTH_REPORT_INTERVAL_MS, or every heartbeat gap is a takeover',
  path: ['ALLOWED_ABSENCE_INTERVAL_MS'],
});

const groupSchema = z.object(groupFields).check(absenceLongerThanReport);

const schema = z
  .object({
    ...groupFields,
    BAM_SERVERS: nonEmpty(),
    BAM_API_VERSION: z._default(z.enum(['1', '2']), '2'),
    BAM_TIMEOUT_MS: intFrom(5000),
    MONITOR_PROBE_INTERVAL_MS: intFrom(1000),
    MONITOR_PROBE_TIMEOUT_MS: intFrom(1000),
    MONITOR_FAILURES_BEFORE_FAILOVER: intFrom(2),
    // A held call must still answer inside API Gateway's 30 s integration limit.
    SWITCHOVER_BOUND_MS: z._default(z.coerce.number().check(z.int(), z.minimum(1000), z.maximum(25_000)), 10_000),
    // Per-process caches of the request path (see docs/request-path.md): the monitor state at
    // most 1 s old, workflow grants at most a minute.
    STATE_CACHE_MS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1000)), 1000),
    GRANT_CACHE_MS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(60_000)), 5000),
    SESSION_TTL_SECONDS: intFrom(3600, 60),
    SESSION_MAX_LIFETIME_SECONDS: intFrom(12 * 3600, 60),
    GATEWAY_SERVICE_USERNAME: nonEmpty(),
    GATEWAY_SERVICE_PASSWORD: nonEmpty(),
    GATEWAY_ADMINS: z.optional(z.string()),
    // Optional: in AWS the key arrives later, from the table (see wiring/secrets.ts), and only
    // encrypting or decrypting a BAM credential needs it.
    CREDENTIAL_KEY: z.optional(z.string().check(z.refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes, base64-encoded'))),
    // The Failover API (mutual TLS, its own port): see parseFailoverApi and failoverTls().
    BAM_FAILOVER_API: z.optional(z.string()),
    BAM_FAILOVER_CLIENT_CERT: pemOf('CERTIFICATE'),
    BAM_FAILOVER_CLIENT_KEY: pemOf('PRIVATE KEY'),
    BAM_FAILOVER_CA: pemOf('CERTIFICATE'),
    LOCAL_MODE: z._default(z.enum(['true', 'false']), 'false'),
    // AWS: each workflow's own runner function, as JSON {"<workflow>": "<function name>"} (lib/gateway-node.ts).
    WORKFLOW_RUNNERS: z.optional(
      z.string().check(
        z.refine((v) => {
          try {
            const m = JSON.parse(v) as unknown;
            return Boolean(m) && typeof m === 'object' && !Array.isArray(m) && Object.values(m as object).every((f) => typeof f === 'string' && /^[A-Za-z0-9_:.-]{1,140}$/.test(f));
          } catch {
            return false;
          }
        }, 'must be a JSON object of workflow names to function names'),
      ),
    ),
    // false in the API functions (lib/gateway-node.ts): only the monitor function may publish monitor events.
    MONITOR_PUBLISHES_EVENTS: z._default(z.enum(['true', 'false']), 'true'),
    // CDK sets these only with the CloudFront edge (lib/gateway-stack.ts): the origin-verify secret, and
    // the distribution's origin, trusted for cookie-authenticated changes.
    ORIGIN_VERIFY_SECRET_ARN: z.optional(z.string()),
    TRUSTED_ORIGINS: z.optional(z.string()),
    // How long a workflow's runner may take (its Lambda timeout in AWS): under the API function's 29 s.
    WORKFLOW_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(25_000)), 25_000),
  })
  .check(absenceLongerThanReport);

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const parsed = validate(schema, env);
  const servers = parseServers(env.BAM_SERVERS ?? '');
  const failover = failoverProblems(env, typeof servers === 'string' ? [] : servers);
  const problems = [
    ...(parsed.ok ? [] : parsed.issues),
    ...(typeof servers === 'string' && env.BAM_SERVERS ? [{ field: 'BAM_SERVERS', problem: servers }] : []),
    ...(Array.isArray(failover) ? failover : []),
  ];
  if (!parsed.ok || typeof servers === 'string' || problems.length) throw new ConfigError(`invalid gateway configuration: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`);
  const e = parsed.data;
  return {
    servers,
    ...(failover && !Array.isArray(failover) ? { failoverApi: failover } : {}),
    apiVersion: e.BAM_API_VERSION === '1' ? 1 : 2,
    bamTimeoutMs: e.BAM_TIMEOUT_MS,
    probe: {
      intervalMs: e.MONITOR_PROBE_INTERVAL_MS,
      timeoutMs: e.MONITOR_PROBE_TIMEOUT_MS,
      failuresBeforeFailover: e.MONITOR_FAILURES_BEFORE_FAILOVER,
    },
    switchoverBoundMs: e.SWITCHOVER_BOUND_MS,
    stateCacheMs: e.STATE_CACHE_MS,
    grantCacheMs: e.GRANT_CACHE_MS,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    sessionMaxLifetimeSeconds: e.SESSION_MAX_LIFETIME_SECONDS,
    service: { username: e.GATEWAY_SERVICE_USERNAME, password: e.GATEWAY_SERVICE_PASSWORD },
    admins: (e.GATEWAY_ADMINS ?? e.GATEWAY_SERVICE_USERNAME)
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    ...(e.CREDENTIAL_KEY ? { credentialKey: Buffer.from(e.CREDENTIAL_KEY, 'base64') } : {}),
    localMode: e.LOCAL_MODE === 'true',
    ...(e.WORKFLOW_RUNNERS ? { workflowRunners: JSON.parse(e.WORKFLOW_RUNNERS) as Record<string, string> } : {}),
    workflowTimeoutMs: e.WORKFLOW_TIMEOUT_MS,
    monitorPublishesEvents: e.MONITOR_PUBLISHES_EVENTS === 'true',
    edge: edgeSettings(env),
    ...groupPart(e),
  };
}

/** The Failover API settings, or the problems naming each variable at fault; undefined when not configured. */
function failoverProblems(env: NodeJS.ProcessEnv, servers: BamServer[]): FailoverApiConfig | { field: string; problem: string }[] | undefined {
  const raw = env.BAM_FAILOVER_API?.trim();
  if (!raw) return undefined;
  const urls = parseFailoverApi(raw, servers);
  const problems: { field: string; problem: string }[] = [];
  if (typeof urls === 'string') problems.push({ field: 'BAM_FAILOVER_API', problem: urls });
  for (const field of ['BAM_FAILOVER_CLIENT_CERT', 'BAM_FAILOVER_CLIENT_KEY', 'BAM_FAILOVER_CA'] as const) {
    if (!env[field]) problems.push({ field, problem: 'required when BAM_FAILOVER_API is set (the Failover API needs mutual TLS)' });
  }
  if (problems.length || typeof urls === 'string') return problems;
  return { urls, clientCert: env.BAM_FAILOVER_CLIENT_CERT!, clientKey: env.BAM_FAILOVER_CLIENT_KEY!, ca: env.BAM_FAILOVER_CA! };
}

export function parseGroupConfig(env: NodeJS.ProcessEnv): GroupConfig {
  const parsed = validate(groupSchema, env);
  if (!parsed.ok) throw new ConfigError(`invalid gateway configuration: ${parsed.issues.map((p) => `${p.field}: ${p.problem}`).join('; ')}`);
  return groupPart(parsed.data);
}

function groupPart(e: z.infer<typeof groupSchema>): GroupConfig {
  return {
    tableName: e.TABLE_NAME,
    eventBusName: e.EVENT_BUS_NAME,
    ...(e.NODE_ID ? { node: { id: e.NODE_ID, url: e.NODE_URL ?? null } } : {}),
    group: { healthReportMs: e.HEALTH_REPORT_INTERVAL_MS, healthCheckMs: e.HEALTH_CHECK_INTERVAL_MS, allowedAbsenceMs: e.ALLOWED_ABSENCE_INTERVAL_MS },
  };
}

/**
 * What every HTTP request's middleware needs before the secrets are loaded (so before the whole
 * configuration can be read): the mode, the edge's origin-verify secret, the trusted origins.
 */
export function edgeSettings(env: NodeJS.ProcessEnv): GatewayConfig['edge'] & { localMode: boolean } {
  return {
    localMode: env.LOCAL_MODE === 'true',
    ...(env.ORIGIN_VERIFY_SECRET_ARN ? { originVerifySecretArn: env.ORIGIN_VERIFY_SECRET_ARN } : {}),
    trustedOrigins: (env.TRUSTED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, '').toLowerCase())
      .filter(Boolean),
  };
}

let cached: GatewayConfig | undefined;

/** The process's configuration, parsed once (a Lambda environment never changes its variables). */
export function config(): GatewayConfig {
  cached ??= parseConfig({ ...environment(), ...heldSecrets() });
  return cached;
}

let cachedGroup: GroupConfig | undefined;

/** The group agent's configuration: reads no BAM server, secret or key, so its function needs none. */
export function groupConfig(): GroupConfig {
  cachedGroup ??= parseGroupConfig(environment());
  return cachedGroup;
}
