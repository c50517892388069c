import { describe, expect, it } from 'vitest';
import { FAILOVER_ENDED, SESSION_ENDED, messageFor } from '../../ui/src/login-notice.js';

/** The login page's notice for a user whose session was lost (docs/web-ui.md): words a person understands. */
describe('messageFor', () => {
  it.each(['A valid session token is required.', 'Session expired. Log in again.', 'Session not found or ended. Log in again.', undefined])(
    'an idle, expired or missing session (Unauthorized, %s) says the session has ended',
    (serverMessage) => expect(messageFor('Unauthorized', serverMessage)).toBe(SESSION_ENDED),
  );

  it('keeps the explanation of a failover or maintenance end', () => {
    expect(messageFor('SessionEndedByFailover', undefined)).toBe(FAILOVER_ENDED);
    const maintenance = 'Your session ended because Address Manager bam2 was taken out of service for maintenance. Log in again.';
    expect(messageFor('SessionEndedByMaintenance', maintenance)).toBe(maintenance);
  });

  it('says nothing to a first visit or during a failover', () => {
    expect(messageFor(null, 'A valid session token is required.')).toBeUndefined();
    expect(messageFor('failover', 'x')).toBeUndefined();
  });
});
