/**
 * Errors that become HTTP answers. Every gateway error answers with the envelope of docs/api.md:
 * {"code": "<Word>", "message": "<human text>", "status": <http status>, "details"?}.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export const badRequest = (message: string, details?: unknown) => new GatewayError(400, 'BadRequest', message, details);
export const unauthorized = (message = 'A valid session token is required.') => new GatewayError(401, 'Unauthorized', message);
export const forbidden = (message: string) => new GatewayError(403, 'Forbidden', message);
export const notFound = (message = 'No such resource.') => new GatewayError(404, 'NotFound', message);

/**
 * The answer BlueCat Gateway gives while an Address Manager failover is in progress (docs/api.md).
 * Its body deliberately breaks the usual envelope: existing clients match on it.
 */
export class FailoverInProgressError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Address Manager failover in progress');
    this.name = 'FailoverInProgressError';
  }
}

/** UTC time of day as HH:MM:SS.ffffff, the format of BlueCat's failover answer. */
export function failoverTime(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${pad(now.getUTCMilliseconds() * 1000, 6)}`;
}
