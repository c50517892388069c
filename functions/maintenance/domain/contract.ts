/**
 * The maintenance feature's shared vocabulary: the back-end group and its hosts, host modes, and
 * who is calling. Plain types, no I/O.
 */
export type HostMode = 'ENABLED' | 'NO_NEW_SESSIONS' | 'DISABLED';
export const HOST_MODES: readonly HostMode[] = ['ENABLED', 'NO_NEW_SESSIONS', 'DISABLED'];

/** The BAM cluster as Airlock's back-end group: id 1, name `address-manager`. */
export const BACKEND_GROUP = { id: 1, name: 'address-manager' } as const;

export interface BackendHost {
  /** The configured BAM server name (bam1). */
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  /** The host of the server's URL. */
  hostName: string;
  port: number;
  mode: HostMode;
  spare: false;
  weight: 100;
}

/**
 * Who calls `/airlock/rest`: a tenant user with a path-scoped token (npm run user-manager), or a
 * gateway session holding the `maintenance` permission (the web UI). Path rights apply to both:
 * a session's are `.*`.
 */
export interface MaintenancePrincipal {
  kind: 'tenant' | 'session';
  /** Tenant user name, or the gateway username. */
  user: string;
  tenant?: string;
  /** Regexes matched (full match) against the path after `/airlock/rest`: readPaths for GET, writePaths otherwise. */
  readPaths: string;
  writePaths: string;
  /** Token id (jti) for tenant tokens: revocation and audit. */
  tokenId?: string;
  /** For a gateway session: the hash of its token, so a REST session ends with it. */
  gatewaySession?: string;
}

/** Whether a principal may call `method` on `subPath` (the path after /airlock/rest). */
export function mayCall(p: MaintenancePrincipal, method: string, subPath: string): boolean {
  const pattern = method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD' ? p.readPaths : p.writePaths;
  try {
    return new RegExp(`^(?:${pattern})$`).test(subPath);
  } catch {
    return false; // an unparseable regex grants nothing
  }
}

/** A value a client sent, as an error message may quote it: JSON, cut to `max` characters (whole code points). */
export function quoted(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const points = [...text];
  return points.length > max ? `${points.slice(0, max).join('')}…` : text;
}

/** Who a principal is in the audit log, the activation history and events: a gateway username, or `tenant:<tenant>/<user>`. */
export function whoOf(p: MaintenancePrincipal): string {
  return p.kind === 'tenant' ? `tenant:${p.tenant ?? '?'}/${p.user}` : p.user;
}
