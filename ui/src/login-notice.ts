/** What the login page tells a user sent there by a lost session (docs/web-ui.md). */
export const FAILOVER_ENDED = 'Your session ended because of an Address Manager failover. Log in again to start a new session.';
export const SESSION_ENDED = 'Your session has ended. Log in again.';

/** Codes whose server message explains the end to a person; a plain `Unauthorized` (idle, expired, no token) does not. */
const EXPLAINED = new Set(['SessionEndedByFailover', 'SessionEndedByMaintenance']);

/** Why the user is here, in words, from the reason the app put in the URL and the server's message. */
export function messageFor(reason: string | null, serverMessage: string | undefined): string | undefined {
  if (!reason || reason === 'failover') return undefined;
  if (reason === 'SessionEndedByFailover') return serverMessage ?? FAILOVER_ENDED;
  return (EXPLAINED.has(reason) && serverMessage) || SESSION_ENDED;
}
