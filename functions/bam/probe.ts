import { BamHttpError, bamFetch } from './http.js';

export type BamRole = 'PRIMARY' | 'STANDBY' | 'UNKNOWN';

export type ProbeResult =
  | { server: string; ok: true; role: BamRole; latencyMs: number; at: number }
  | { server: string; ok: false; error: string; latencyMs: number; at: number };

/**
 * Asks one BAM server what it is, through BAM's own signals: the Failover API health
 * (`GET /bam/v1/health`, replicationRole under details.replicationMetrics); where that API is
 * absent, REST v1 `getSystemInfo` (replicationRole) when a service session is available, and else
 * `/servlets/health`, which at least tells whether the server is alive (role UNKNOWN).
 */
export interface ProbeOptions {
  /** REST v1 getSystemInfo of this server as the service user: the role signal where the Failover API is missing. */
  systemInfo?: () => Promise<Record<string, string>>;
  now?: () => number;
}

export async function probeServer(name: string, baseUrl: string, timeoutMs: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const done = (r: { ok: true; role: BamRole } | { ok: false; error: string }): ProbeResult => ({
    server: name,
    ...r,
    latencyMs: now() - started,
    at: started,
  });
  try {
    const res = await bamFetch(`${baseUrl}/bam/v1/health`, { timeoutMs });
    return done({ ok: true, role: roleFromHealth(res.body) });
  } catch (err) {
    if (err instanceof BamHttpError && err.status === 404) {
      if (opts.systemInfo) {
        try {
          return done({ ok: true, role: normalizeRole((await opts.systemInfo()).replicationRole) });
        } catch {
          // A Standby serves no API: fall back to liveness.
        }
      }
      try {
        await bamFetch(`${baseUrl}/servlets/health`, { timeoutMs: Math.max(1, timeoutMs - (now() - started)) });
        return done({ ok: true, role: 'UNKNOWN' });
      } catch (inner) {
        return done({ ok: false, error: (inner as Error).message });
      }
    }
    return done({ ok: false, error: (err as Error).message });
  }
}

/** Finds `replicationRole` anywhere below `details.replicationMetrics` (its nesting varies by release). */
export function roleFromHealth(body: unknown): BamRole {
  const metrics = (body as { details?: { replicationMetrics?: unknown } } | undefined)?.details?.replicationMetrics;
  const found = findKey(metrics, 'replicationRole', 4);
  return normalizeRole(found);
}

export function normalizeRole(value: unknown): BamRole {
  const v = typeof value === 'string' ? value.toUpperCase() : '';
  if (v === 'PRIMARY') return 'PRIMARY';
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
