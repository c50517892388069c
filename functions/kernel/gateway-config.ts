import type { BamServer, FailoverApiConfig } from './bam-types.js';

/** API Gateway answers 504 after 30 s: a held call, then a service login and the call itself, must end before (see SwitchoverHold.budgetMs). */
export const HELD_CALL_LIMIT_MS = 28_000;

/** The gateway's configuration as every part reads it (functions/wiring/config.ts parses it from the environment). */
export interface GatewayConfig {
  tableName: string;
  servers: BamServer[];
  failoverApi?: FailoverApiConfig;
  apiVersion: 1 | 2;
  bamTimeoutMs: number;
  probe: { intervalMs: number; timeoutMs: number; failuresBeforeFailover: number };
  /** How long a planned switchover of the Primary may take; calls needing the Primary are held meanwhile. */
  switchoverBoundMs: number;
  /** How old a cached monitor state may be when a request uses it (0: read it every request). */
  stateCacheMs: number;
  /** How long a workflow permission check is reused by this process (0: read every time); a revoke elsewhere takes effect within it. */
  grantCacheMs: number;
  sessionTtlSeconds: number;
  /** Absolute session lifetime: use slides the idle expiry, never past createdAt + this. */
  sessionMaxLifetimeSeconds: number;
  service: { username: string; password: string };
  admins: string[];
  /** Absent until the data key exists (AWS); set from CREDENTIAL_KEY in local mode. */
  credentialKey?: Buffer;
  localMode: boolean;
  /** AWS: each workflow's runner function by workflow name; absent locally (runners are registered in process). */
  workflowRunners?: Record<string, string>;
  /** Whether this process's monitor rounds publish their events (else the monitor function does). */
  monitorPublishesEvents: boolean;
  /** How long a workflow's runner may take before the call answers 504. */
  workflowTimeoutMs: number;
  /** The edge's origin-verify secret (absent without an edge), and the origins trusted for cookie-authenticated changes. */
  edge: { originVerifySecretArn?: string; trustedOrigins: string[] };
  /** This node of the availability group; absent: a single gateway, not in a group. */
  node?: { id: string; url: string | null };
  group: { healthReportMs: number; healthCheckMs: number; allowedAbsenceMs: number };
  /** The event bus the gateway publishes to (EVENT_BUS_NAME). */
  eventBusName: string;
}

/** The part of the configuration the group agent needs. */
export type GroupConfig = Pick<GatewayConfig, 'tableName' | 'node' | 'group' | 'eventBusName'>;
