import { z } from 'zod';

/**
 * Runtime configuration of every gateway function, read from environment variables.
 * In AWS the CDK stack sets them; in local mode bin/local.ts does. Parsed with zod so a
 * misconfigured deployment fails on its first invocation with a message naming the variable.
 */

const serverList = z
  .string()
  .min(1)
  .transform((raw, ctx) => {
    const servers: BamServer[] = [];
    for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      const name = part.slice(0, eq).trim();
      const url = part.slice(eq + 1).trim().replace(/\/+$/, '');
      if (eq <= 0 || !/^[A-Za-z0-9_.-]+$/.test(name) || !/^https?:\/\/[^\s/]+/.test(url)) {
        ctx.addIssue({ code: 'custom', message: `expected name=url, got "${part}"` });
        return z.NEVER;
      }
      servers.push({ name, url });
    }
    if (servers.length === 0) ctx.addIssue({ code: 'custom', message: 'no server listed' });
    return servers;
  });

const intFrom = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

const schema = z.object({
  TABLE_NAME: z.string().min(3),
  BAM_SERVERS: serverList,
  BAM_API_VERSION: z.enum(['1', '2']).default('2'),
  BAM_TIMEOUT_MS: intFrom(5000),
  MONITOR_PROBE_INTERVAL_MS: intFrom(1000),
  MONITOR_PROBE_TIMEOUT_MS: intFrom(1000),
  MONITOR_FAILURES_BEFORE_FAILOVER: intFrom(2),
  SESSION_TTL_SECONDS: intFrom(3600, 60),
  GATEWAY_SERVICE_USERNAME: z.string().min(1),
  GATEWAY_SERVICE_PASSWORD: z.string().min(1),
  GATEWAY_ADMINS: z.string().optional(),
  CREDENTIAL_KEY: z
    .string()
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  LOCAL_MODE: z.enum(['true', 'false']).default('false'),
  NODE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32').optional(),
  NODE_URL: z.string().url().optional(),
  HEALTH_REPORT_INTERVAL_MS: intFrom(1000),
  HEALTH_CHECK_INTERVAL_MS: intFrom(1000),
  ALLOWED_ABSENCE_INTERVAL_MS: intFrom(3000),
}).refine((e) => e.ALLOWED_ABSENCE_INTERVAL_MS > e.HEALTH_REPORT_INTERVAL_MS, {
  message: 'must be longer than HEALTH_REPORT_INTERVAL_MS, or every heartbeat gap is a takeover',
  path: ['ALLOWED_ABSENCE_INTERVAL_MS'],
});

export interface BamServer {
  name: string;
  url: string;
}

export interface GatewayConfig {
  tableName: string;
  servers: BamServer[];
  apiVersion: 1 | 2;
  bamTimeoutMs: number;
  probe: { intervalMs: number; timeoutMs: number; failuresBeforeFailover: number };
  sessionTtlSeconds: number;
  service: { username: string; password: string };
  admins: string[];
  credentialKey: Buffer;
  localMode: boolean;
  /** This node of the availability group; absent: a single gateway, not in a group. */
  node?: { id: string; url: string | null };
  group: { healthReportMs: number; healthCheckMs: number; allowedAbsenceMs: number };
}

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid gateway configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    servers: e.BAM_SERVERS,
    apiVersion: e.BAM_API_VERSION === '1' ? 1 : 2,
    bamTimeoutMs: e.BAM_TIMEOUT_MS,
    probe: {
      intervalMs: e.MONITOR_PROBE_INTERVAL_MS,
      timeoutMs: e.MONITOR_PROBE_TIMEOUT_MS,
      failuresBeforeFailover: e.MONITOR_FAILURES_BEFORE_FAILOVER,
    },
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    service: { username: e.GATEWAY_SERVICE_USERNAME, password: e.GATEWAY_SERVICE_PASSWORD },
    admins: (e.GATEWAY_ADMINS ?? e.GATEWAY_SERVICE_USERNAME)
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    credentialKey: Buffer.from(e.CREDENTIAL_KEY, 'base64'),
    localMode: e.LOCAL_MODE === 'true',
    ...(e.NODE_ID ? { node: { id: e.NODE_ID, url: e.NODE_URL ?? null } } : {}),
    group: { healthReportMs: e.HEALTH_REPORT_INTERVAL_MS, healthCheckMs: e.HEALTH_CHECK_INTERVAL_MS, allowedAbsenceMs: e.ALLOWED_ABSENCE_INTERVAL_MS },
  };
}

let cached: GatewayConfig | undefined;

/** The process's configuration, parsed once (a Lambda environment never changes its variables). */
export function config(): GatewayConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
