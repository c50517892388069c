import type { HttpEvent, HttpResult } from '../../kernel/http.js';
import type { EventPublisher } from '../../events/ports.js';
import type { ConfiguredServer } from '../domain/configuration.js';
import type { MaintenancePrincipal } from '../domain/contract.js';
import type { ConfigurationStore, GatewaySessionReader, GroupStateReader, MaintenanceSession, MaintenanceSessionStore, MonitorStateReader, PermissionCheck, BoundSessionCounter } from '../ports.js';
import type { TenantTokens } from '../tenant-token-service.js';

/** What the maintenance API is configured with (the wiring reads it from the environment). */
export interface MaintenanceSettings {
  /** The BAM servers, as the back-end group's hosts. */
  servers: ConfiguredServer[];
  /** This gateway's node id when it is a node of an availability group. */
  nodeId?: string;
  /** Local mode: the gateway's cookie names, and cookies without Secure. */
  localMode: boolean;
  /** Gateway users who hold every permission. */
  admins: string[];
  sessionMaxLifetimeSeconds: number;
  /** The gateway's version, as the node status shows it. */
  version: string;
  /** Other origins whose pages may send the gateway's cookies (a UI served elsewhere). */
  trustedOrigins: string[];
}

/** Everything the maintenance API uses, typed on the feature's ports; built once by the wiring. */
export interface MaintenanceApiDeps {
  settings: MaintenanceSettings;
  configurations: ConfigurationStore;
  maintenanceSessions: MaintenanceSessionStore;
  /** Read only: who holds a gateway session, and how many each host still serves. */
  gatewaySessions: GatewaySessionReader & BoundSessionCounter;
  permissions: PermissionCheck;
  monitor: MonitorStateReader;
  group: GroupStateReader;
  publisher: EventPublisher;
  tenantTokens: Pick<TenantTokens, 'verify' | 'recheck'>;
  /** The clock (tests move it). */
  now?: () => number;
}

/** One call of a route: who makes it, in which maintenance session, with the path's parameters. */
export interface Call {
  deps: MaintenanceApiDeps;
  event: HttpEvent;
  principal: MaintenancePrincipal;
  session: MaintenanceSession;
  params: string[];
  now: number;
  /** Set by state-changing routes: what the audit entry names. */
  target?: string;
}

export interface Route {
  method: string;
  /** Matched against the canonical path after /airlock/rest; its groups are the call's params. */
  path: RegExp;
  run: (c: Call) => Promise<HttpResult>;
}
