import type { FailoverApiConfig } from './failover-api.js';
import { BamHttpError, BamUnreachableError, bamFetch } from './http.js';
import { FailoverTlsError, failoverGet } from './failover-api.js';
import type { BamRole, ProbeSource, ProbeFailure, ProbeResult } from '../kernel/bam-types.js';
export type { BamRole, ProbeSource, ProbeFailure, ProbeResult };

export interface ProbeOptions {
  /** REST v1 getSystemInfo over a read-only session of this server (see SystemInfoSessions), within `timeoutMs`. */
  systemInfo?: (timeoutMs: number) => Promise<Record<string, string>>;
  /** This server's Failover API base URL and the mutual-TLS material; absent: no Failover API step. */
  failoverApi?: { url: string; tls: FailoverApiConfig };
  now?: () => number;
}

/** A 2xx answer that is not the Failover API's JSON with a role (e.g. BAM's web UI at that path). */
class NoRoleError extends Error {}

/**
 * Asks one BAM server what it is, step by step, each step tried while it can still tell something:
 * 1. the Failover API health (`GET /bam/v1/health` on its own HTTPS port, client certificate);
 * 2. REST v1 getSystemInfo over a read-only session (replicationRole);
 * 3. `/servlets/health`: alive, role UNKNOWN.
 * Each failure is classified; the probe fails only when no step answered. The steps share the one
 * timeout (the first gets half of it): a hung server fails the probe when it ends, not a timeout
 * per step later.
 */
export async function probeServer(name: string, baseUrl: string, timeoutMs: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const left = () => Math.max(1, timeoutMs - (now() - started));
  const timing = () => ({ server: name, latencyMs: now() - started, at: started });
  let lastFailure: { step: ProbeSource; kind: ProbeFailure; error: string } | undefined;
  const failed = (step: ProbeSource, err: unknown) => (lastFailure = { step, kind: classifyFailure(err), error: (err as Error).message });
  const answered = (source: ProbeSource, reportedRole: string | undefined) => ({
    ...timing(),
    ok: true as const,
    role: gatewayRole(reportedRole),
    ...(reportedRole !== undefined ? { reportedRole } : {}),
    source,
    ...(lastFailure ? { lastFailure: `${lastFailure.step}: ${lastFailure.kind}` } : {}),
  });

  if (opts.failoverApi) {
    try {
      // Half the time at most: a Failover API service that hangs must leave the REST steps time to answer.
      const res = await failoverGet(`${opts.failoverApi.url}/bam/v1/health`, opts.failoverApi.tls, Math.max(1, Math.floor(timeoutMs / 2)));
      return answered('failover-api', reportedRoleFromHealth(parseJson(res.text)));
    } catch (err) {
      failed('failover-api', err);
    }
  }
  if (opts.systemInfo) {
    try {
      const role = (await opts.systemInfo(left())).replicationRole;
      if (!role) throw new NoRoleError('getSystemInfo reported no replicationRole');
      return answered('system-info', role);
    } catch (err) {
      failed('system-info', err);
    }
  }
  try {
    await bamFetch(`${baseUrl}/servlets/health`, { timeoutMs: left() });
    return answered('liveness', undefined);
  } catch (err) {
    failed('liveness', err);
    return { ...timing(), ok: false, error: lastFailure!.error, failure: lastFailure!.kind, lastFailure: `liveness: ${lastFailure!.kind}` };
  }
}

export function classifyFailure(err: unknown): ProbeFailure {
  if (err instanceof FailoverTlsError) return 'tls-refused';
  if (err instanceof NoRoleError) return 'no-role';
  if (err instanceof BamUnreachableError) return err.reason === 'timeout' ? 'timeout' : 'unreachable';
  if (err instanceof BamHttpError) return err.status === 404 ? 'not-found' : 'rejected';
  return 'unreachable';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NoRoleError('not the Failover API: the answer is not JSON');
  }
}

/** `replicationRole` anywhere below `details.replicationMetrics` (its nesting varies by release). */
export function reportedRoleFromHealth(body: unknown): string {
  const metrics = (body as { details?: { replicationMetrics?: unknown } } | undefined)?.details?.replicationMetrics;
  const found = findKey(metrics, 'replicationRole', 4);
  if (typeof found !== 'string' || !found) throw new NoRoleError('not the Failover API: no replicationRole');
  return found;
}

/** The gateway role of what BAM reported: Standalone (a promoted server of two) serves the API. */
export function gatewayRole(reported: unknown): BamRole {
  const v = typeof reported === 'string' ? reported.toUpperCase() : '';
  if (v === 'PRIMARY' || v === 'STANDALONE') return 'PRIMARY';
  if (v === 'STANDBY' || v === 'SECONDARY') return 'STANDBY';
  return 'UNKNOWN';
}

function findKey(node: unknown, key: string, depth: number): unknown {
  if (!node || typeof node !== 'object' || depth < 0) return undefined;
  if (key in node) return (node as Record<string, unknown>)[key];
  for (const child of Object.values(node)) {
    const hit = findKey(child, key, depth - 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
