import { isIP } from 'node:net';
import type { HttpEvent } from './http.js';

/**
 * The header carrying the viewer's address behind CloudFront. The distribution's viewer-request
 * function (lib/edge.ts) sets it from `event.viewer.ip` on every request, overwriting whatever the
 * client sent (AWS's documented "true client IP" example). CloudFront's own
 * `CloudFront-Viewer-Address` is not used: only a custom origin request policy adds it, and such a
 * policy cannot forward `Authorization` while caching is off.
 */
export const VIEWER_ADDRESS_HEADER = 'true-client-ip';

/**
 * An event the origin-verify middleware accepted as sent by our CloudFront distribution. API
 * Gateway never sets this top-level field, so a client cannot claim it.
 */
export type VerifiedEvent = HttpEvent & { originVerified?: boolean };

/**
 * The address of the client that sent the request, for throttling and the audit log: the viewer's
 * address CloudFront reported when the request was verified as coming through CloudFront,
 * otherwise the connection's source address. A viewer-address header on an unverified request is
 * ignored (anyone can send one).
 */
export function clientAddress(event: VerifiedEvent): string {
  const source = event.requestContext?.http?.sourceIp ?? '';
  if (event.originVerified !== true) return source;
  const viewer = event.headers?.[VIEWER_ADDRESS_HEADER]?.trim();
  return (viewer && addressIn(viewer)) || source;
}

/**
 * The address in a viewer-address value: a bare address (what the edge function sends), or
 * `ip:port` (CloudFront-Viewer-Address form; IPv6 unbracketed, so the port follows the last colon).
 * Undefined when it is neither.
 */
function addressIn(value: string): string | undefined {
  if (isIP(value)) return value;
  const last = value.lastIndexOf(':');
  const head = value.slice(0, last).replace(/^\[(.*)\]$/, '$1');
  return last > 0 && /^\d{1,5}$/.test(value.slice(last + 1)) && isIP(head) ? head : undefined;
}
