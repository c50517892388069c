import type { BamServer } from './domain/servers.js';

/** The gateway configuration as sessions read it (the wiring passes its whole configuration). */
export interface SessionSettings {
  servers: BamServer[];
  apiVersion: 1 | 2;
  bamTimeoutMs: number;
  probe: { intervalMs: number; timeoutMs: number; failuresBeforeFailover: number };
  /** How long a planned switchover of the Primary may take; calls needing the Primary are held meanwhile. */
  switchoverBoundMs: number;
  /** The failover-monitoring service user: a login with it makes a restorable session. */
  service: { username: string; password: string };
  sessionTtlSeconds: number;
  sessionMaxLifetimeSeconds: number;
}

/** API Gateway answers 504 after 30 s: a held call, then a service login and the call itself, must end before (see SwitchoverHold.budgetMs). */
export { HELD_CALL_LIMIT_MS } from '../kernel/gateway-config.js';

/** The failover 503's Retry-After: about as long as the monitor takes to declare a silent Primary lost. */
export function retryAfterSeconds(settings: Pick<SessionSettings, 'probe'>): number {
  const p = settings.probe;
  return Math.max(1, Math.ceil((p.intervalMs * p.failuresBeforeFailover) / 1000));
}
