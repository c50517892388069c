import { randomBytes } from 'node:crypto';
import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import { SessionService, type SessionServiceDeps } from '../../../functions/sessions/session-service.js';
import { parseConfig } from '../../../functions/wiring/config.js';
import { FakeBam } from './bam-logins.js';
import { FakeSealer } from './credential-sealer.js';
import { InMemoryMonitorState } from './monitor-state.js';
import { InMemorySessionStore } from './session-store.js';
import { InMemoryUserSettings } from './user-settings.js';

export const FAKE_SERVERS = ['bam1', 'bam2'] as const;

/** A server as the monitor shows it: UP, of `incarnation`. */
export const serverState = (name: string, role: 'PRIMARY' | 'STANDBY', incarnation = 0) => ({
  name,
  url: `http://127.0.0.1:9/${name}`,
  role,
  health: 'UP' as const,
  lastProbeAt: 1,
  latencyMs: 1,
  consecutiveFailures: 0,
  incarnation,
});

/** The monitor's state with `primary` Primary in `epoch` (the other server a Standby). */
export function monitoring(epoch: number, primary = 'bam1', over: Partial<MonitorState> = {}): MonitorState {
  return {
    version: epoch,
    epoch,
    monitoringState: 'MONITORING',
    primary,
    primaryUrl: `http://127.0.0.1:9/${primary}`,
    splitBrain: false,
    failoverStartedAt: null,
    servers: Object.fromEntries(FAKE_SERVERS.map((n) => [n, serverState(n, n === primary ? 'PRIMARY' : 'STANDBY')])),
    updatedAt: 0,
    ...over,
  };
}

/**
 * A SessionService on in-memory ports (sessions, monitor state, user settings, a fake BAM with
 * bam1 and bam2, users alice, bob and the service user), configured from `env` as the gateway is,
 * with the test's clock: the session rules without a table, a BAM or waiting.
 */
export function fakeSessionService(env: Record<string, string>, now: () => number, extra: Partial<SessionServiceDeps> = {}) {
  const config = parseConfig({
    TABLE_NAME: 'unused',
    BAM_SERVERS: FAKE_SERVERS.map((n) => `${n}=http://127.0.0.1:9/${n}`).join(','),
    GATEWAY_SERVICE_USERNAME: 'gateway-svc',
    GATEWAY_SERVICE_PASSWORD: 'gateway-svc-pass',
    CREDENTIAL_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const sessions = new InMemorySessionStore();
  const monitor = new InMemoryMonitorState();
  const bam = new FakeBam({ alice: 'alice-pass', bob: 'bob-pass', 'gateway-svc': 'gateway-svc-pass' });
  const userSettings = new InMemoryUserSettings();
  const cipher = new FakeSealer();
  const service = new SessionService({ config, sessions, monitor, cipher, bam, userSettings, now, ...extra });
  return { config, sessions, monitor, bam, userSettings, cipher, service };
}
