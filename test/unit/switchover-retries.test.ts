import { describe, expect, it } from 'vitest';
import { SessionService, type AuthenticatedSession } from '../../functions/sessions/session-service.js';
import { BamHttpError, BamUnreachableError } from '../../functions/bam/http.js';
import { FailoverInProgressError } from '../../functions/kernel/errors.js';
import type { MonitorState } from '../../functions/monitor/domain/monitor-machine.js';
import type { SessionRecord } from '../../functions/sessions/domain/session-record.js';

/**
 * A call BAM may have applied is never run again because of a planned switchover: only a GET route
 * is held and re-run, only on a sign that BAM applied nothing (503, refused connection, 401), and a
 * pinned session is not retried on account of a switchover that completed long ago.
 */
const server = (name: string, role: 'PRIMARY' | 'STANDBY', incarnation = 0) => ({
  name,
  url: `http://127.0.0.1:9/${name}`,
  role,
  health: 'UP' as const,
  lastProbeAt: 1,
  latencyMs: 1,
  consecutiveFailures: 0,
  incarnation,
});
const now = Date.now();
function service(state: MonitorState, session: SessionRecord) {
  return new SessionService({
    config: {
      servers: [
        { name: 'bam1', url: 'http://127.0.0.1:9/bam1' },
        { name: 'bam2', url: 'http://127.0.0.1:9/bam2' },
      ],
      apiVersion: 2,
      bamTimeoutMs: 5000,
      probe: { intervalMs: 1000, timeoutMs: 1000, failuresBeforeFailover: 2 },
      switchoverBoundMs: 10_000,
      service: { username: 'svc', password: 'p' },
      sessionTtlSeconds: 3600,
      sessionMaxLifetimeSeconds: 43200,
    } as never,
    sessions: { get: async () => session, rebind: async () => true } as never,
    monitor: { get: async () => ({ state }) } as never,
    cipher: { decrypt: () => JSON.stringify({ version: 2, authorization: 'Basic eA==' }), encrypt: (s: string) => s } as never,
  });
}
const pinnedToBam2: SessionRecord = {
  tokenHash: 'h',
  sessionId: 's',
  username: 'alice',
  target: 'bam2',
  boundServer: 'bam2',
  credential: 'c',
  sharedCredential: false,
  restorable: false,
  epoch: 1,
  serverIncarnation: 0,
  createdAt: now,
  lastSeenAt: now,
  expiresAt: now + 3600e3,
};
const afterSwitchover = (at: number): MonitorState => ({
  version: 9,
  epoch: 2,
  monitoringState: 'MONITORING',
  primary: 'bam2',
  primaryUrl: 'http://127.0.0.1:9/bam2',
  splitBrain: false,
  failoverStartedAt: null,
  lastSwitchover: { from: 'bam1', target: 'bam2', outcome: 'completed', startedAt: at - 2000, at, epoch: 2 },
  servers: { bam1: server('bam1', 'STANDBY', 1), bam2: server('bam2', 'PRIMARY') },
  updatedAt: at,
});
const switching: MonitorState = {
  ...afterSwitchover(now),
  monitoringState: 'SWITCHOVER_IN_PROGRESS',
  primary: 'bam1',
  switchover: { from: 'bam1', target: 'bam2', startedAt: now, deadline: now + 10_000 },
};

async function runs(svc: SessionService, session: SessionRecord, first: Error, opts: { retryUnreachable?: boolean }) {
  // The session as authenticate() answers it (its private last step), without a token round trip.
  const auth = (svc as unknown as { ready: (s: SessionRecord, m: undefined) => AuthenticatedSession }).ready(session, undefined);
  let n = 0;
  const outcome = await svc
    .runWithRecovery(
      auth,
      async () => {
        if (++n === 1) throw first;
        return 'ok';
      },
      opts,
    )
    .catch((e: Error) => e);
  return { n, outcome };
}

describe('retries around a planned switchover', () => {
  it('a connection reset (BAM may have applied it) is never re-run, even for a GET route', async () => {
    const svc = service(afterSwitchover(now), pinnedToBam2);
    const { n } = await runs(svc, pinnedToBam2, new BamUnreachableError('http://127.0.0.1:9/bam2/api/v2/x', 'network', 'ECONNRESET', 'ECONNRESET'), { retryUnreachable: false });
    expect(n).toBe(1);
  });

  it('a pinned session is not retried because of a switchover that completed long ago', async () => {
    const svc = service(afterSwitchover(now - 3_600_000), pinnedToBam2);
    const { n, outcome } = await runs(svc, pinnedToBam2, new BamHttpError(503, 'Service Unavailable', ''), { retryUnreachable: true });
    expect(n).toBe(1);
    expect(outcome).toBeInstanceOf(BamHttpError);
  });

  it('during a switchover, a state-changing route that BAM paused gets the failover 503 (the client decides), and runs once', async () => {
    const aliasSession = { ...pinnedToBam2, target: 'primary-address-manager', boundServer: 'bam1', restorable: true, epoch: 2 };
    const svc = service(switching, aliasSession);
    const { n, outcome } = await runs(svc, aliasSession, new BamHttpError(503, 'Service Unavailable', ''), { retryUnreachable: false });
    expect(n).toBe(1);
    expect(outcome).toBeInstanceOf(FailoverInProgressError);
  });
});
