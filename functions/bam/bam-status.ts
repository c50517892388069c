/**
 * Address Manager may answer 500 (not 401/403) when the user lacks access rights or the session is
 * no longer valid, saying so only in its message. This is the one place that reads those messages:
 * every BAM error goes through it (bamFetch), so recovery and mapping see the status BAM meant.
 */
const MISSING_RIGHTS =
  /access right|(do(es)?|has|have) not (have )?(sufficient |enough |the )?(access|permission|privilege)|insufficient (access|right|permission|privilege)|permission denied|not (authori[sz]ed|permitted)/i;
const INVALID_SESSION =
  /session\b.*\b(invalid|expired|not valid|timed out|ended)|(invalid|expired) (session|token)|not logged in|(log|sign) ?in (again|first)|authentication (token )?(is )?(invalid|expired)/i;

/** The status BAM meant: a 500 saying rights are missing → 403; saying the session is invalid or expired → 401; else as answered. */
export function meantStatus(status: number, message: string): number {
  if (status !== 500) return status;
  if (INVALID_SESSION.test(message)) return 401;
  if (MISSING_RIGHTS.test(message)) return 403;
  return status;
}
