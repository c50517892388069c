import { describe, expect, it } from 'vitest';
import { BamHttpError, BamUnreachableError } from '../../../functions/bam/http.js';
import { FailoverInProgressError } from '../../../functions/kernel/errors.js';
import { PRIMARY_ALIAS } from '../../../functions/sessions/domain/session-record.js';
import { fakeSessionService, monitoring } from '../../support/fakes/session-service.js';

/** A session's failed BAM call as its client sees it: the one mapping every caller uses (sessions/bam-failure.ts). */
const bam1 = { name: 'bam1', url: 'http://127.0.0.1:9/bam1' };
const pinned = { session: { target: 'bam1' }, server: bam1 } as never;
const viaAlias = { session: { target: PRIMARY_ALIAS }, server: bam1 } as never;
const { service, monitor } = fakeSessionService({}, Date.now);
monitor.state = monitoring(1, 'bam2');
const http = (status: number, message = 'no') => new BamHttpError(status, message, '');
const unreachable = (reason: 'timeout' | 'refused') => new BamUnreachableError(bam1.url, reason, 'x');

describe('BAM failures, as a client sees them', () => {
  it("BAM's refusals of the request pass on: 404 as NotFound, 400/409 as they are, 422 as 400", async () => {
    await expect(service.callFailure(http(404), pinned)).resolves.toMatchObject({ status: 404, code: 'NotFound' });
    await expect(service.callFailure(http(409, 'Duplicate'), pinned)).resolves.toMatchObject({ status: 409, code: 'AddressManagerRejected', message: expect.stringMatching(/Duplicate/) });
    await expect(service.callFailure(http(422), viaAlias)).resolves.toMatchObject({ status: 400, code: 'AddressManagerRejected' });
  });

  it('through the alias, a Primary that cannot be reached or answers as a Standby is the failover 503', async () => {
    for (const err of [unreachable('refused'), unreachable('timeout'), http(503)]) {
      await expect(service.callFailure(err, viaAlias)).resolves.toBeInstanceOf(FailoverInProgressError);
    }
  });

  it('a pinned server: 504 on a timeout, 502 unreachable, 409 when it is a Standby (the monitor says so), 401 and 403 as BAM said', async () => {
    await expect(service.callFailure(unreachable('timeout'), pinned)).resolves.toMatchObject({ status: 504, code: 'AddressManagerTimeout' });
    await expect(service.callFailure(unreachable('refused'), pinned)).resolves.toMatchObject({ status: 502, code: 'AddressManagerUnreachable' });
    await expect(service.callFailure(http(503), pinned)).resolves.toMatchObject({ status: 409, code: 'AddressManagerIsStandby' });
    await expect(service.callFailure(http(401), pinned)).resolves.toMatchObject({ status: 401 });
    await expect(service.callFailure(http(403), pinned)).resolves.toMatchObject({ status: 403, code: 'AddressManagerForbidden' });
    await expect(service.callFailure(http(500, 'boom'), pinned)).resolves.toMatchObject({ status: 502, code: 'AddressManagerError', message: expect.stringMatching(/500: boom/) });
  });
});
