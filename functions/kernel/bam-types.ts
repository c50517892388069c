/** The vocabulary every part of the gateway shares about BAM servers: their configuration, roles and probe results (plain types). */

/** The gateway's view of a role (docs/failover.md): a Standalone server serves the API, so it is PRIMARY. */
export type BamRole = 'PRIMARY' | 'STANDBY' | 'UNKNOWN';

/** Which probe step answered. */
export type ProbeSource = 'failover-api' | 'system-info' | 'liveness';

/** Why a probe step told nothing. */
export type ProbeFailure = 'unreachable' | 'timeout' | 'tls-refused' | 'not-found' | 'no-role' | 'rejected';

export type ProbeResult =
  | {
      server: string;
      ok: true;
      role: BamRole;
      /** What BAM said (Primary, Standby, Standalone, ...); absent when only liveness answered. */
      reportedRole?: string;
      source?: ProbeSource;
      /** The last step that failed before one answered, as `step: class`. */
      lastFailure?: string;
      latencyMs: number;
      at: number;
    }
  | { server: string; ok: false; error: string; failure?: ProbeFailure; lastFailure?: string; latencyMs: number; at: number };

export interface BamServer {
  name: string;
  url: string;
}

/** How to reach BAM's Failover API (HTTPS with a client certificate), when configured. */
export interface FailoverApiConfig {
  /** Failover API base URL per server name; a server absent here has no Failover API step. */
  urls: Record<string, string>;
  clientCert: string;
  clientKey: string;
  /** The only CA trusted for these connections. */
  ca: string;
}
