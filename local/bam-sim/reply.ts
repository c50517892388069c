import http from 'node:http';

/** What a simulated endpoint answers: JSON unless a content type is given (then `body` is sent as is). */
export type Reply = { status: number; body?: unknown; contentType?: string };

/** REST v2 and Failover API error body, as BAM documents it. */
export function v2Error(status: number, code: string, message: string) {
  const reason = http.STATUS_CODES[status] ?? 'Error';
  return { status, reason, code, message };
}

export const v2Reply = (status: number, code: string, message: string): Reply => ({ status, body: v2Error(status, code, message) });
