import { describe, expect, it } from 'vitest';
import type { SessionService } from '../../../functions/sessions/session-service.js';
import { readySession } from '../../../functions/sessions/session-client.js';
import { BamHttpError, BamUnreachableError } from '../../../functions/bam/http.js';
import { FailoverInProgressError } from '../../../functions/kernel/errors.js';
import type { MonitorState } from '../../../functions/monitor/domain/monitor-machine.js';
import type { SessionRecord } from '../../../functions/sessions/ports.js';
import { fakeSessionService, serverState as server } from '../../support/fakes/session-service.js';

/**
 * A call BAM may have applied is never run again because of a planned switchover: only a GET route
 * is held and re-run, only on a sign that BAM applied nothing (503, refused connection, 401), and a
 * pinned session is not retried on account of a switchover that completed long ago.
 */
const now = Date.now();
/** The service with `session` stored and `state` the monitor's, and the session as authenticate() answers it, without a token round trip. */
function service(state: MonitorState, session: SessionRecord) {
  const f = fakeSessionService({ SESSION_TTL_SECONDS: '3600', SWITCHOVER_BOUND_MS: '10000' }, Date.now);
  f.monitor.state = state;
  const stored = { ...session, credential: f.cipher.encrypt(JSON.stringify({ version: 2, authorization: 'Basic eA==' }), session.tokenHash) };
  void f.sessions.create(stored);
  return { svc: f.service, auth: readySession(stored, undefined, { servers: f.config.servers, cipher: f.cipher, bam: f.bam }) };
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

async function runs({ svc, auth }: { svc: SessionService; auth: ReturnType<typeof service>['auth'] }, first: Error, opts: { retryUnreachable?: boolean }) {
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
    const { n } = await runs(svc, new BamUnreachableError('http://127.0.0.1:9/bam2/api/v2/x', 'network', 'ECONNRESET', 'ECONNRESET'), { retryUnreachable: false });
    expect(n).toBe(1);
  });

  it('a pinned session is not retried because of a switchover that completed long ago', async () => {
    const svc = service(afterSwitchover(now - 3_600_000), pinnedToBam2);
    const { n, outcome } = await runs(svc, new BamHttpError(503, 'Service Unavailable', ''), { retryUnreachable: true });
    expect(n).toBe(1);
    expect(outcome).toBeInstanceOf(BamHttpError);
  });

  it('during a switchover, a state-changing route that BAM paused gets the failover 503 (the client decides), and runs once', async () => {
    const aliasSession = { ...pinnedToBam2, target: 'primary-address-manager', boundServer: 'bam1', restorable: true, epoch: 2 };
    const svc = service(switching, aliasSession);
    const { n, outcome } = await runs(svc, new BamHttpError(503, 'Service Unavailable', ''), { retryUnreachable: false });
    expect(n).toBe(1);
    expect(outcome).toBeInstanceOf(FailoverInProgressError);
  });
});
