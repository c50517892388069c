import { createHash, randomBytes } from 'node:crypto';
import { secretsEqual } from '../../kernel/secrets-equal.js';

export { secretsEqual };
import { tokenCandidate } from './auth-header.js';

/** 256 bits from the CSPRNG, base64url: opaque to clients, never stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the table stores and looks sessions up by: a leaked table yields no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Finds the session token in a request, in every form existing BlueCat clients send it:
 * `auth: Basic <access_token>`, `Authorization: Basic|Bearer <access_token>` where access_token
 * is `BAMAuthToken: <token>` or just `<token>`, `auth: <access_token>` without a scheme
 * (auth-header.ts), or the session cookie. Headers are lower-cased.
 */
export function tokenFromRequest(headers: Record<string, string | undefined>, cookies: string[], cookieName: string): string | undefined {
  return tokenFromHeaders(headers) ?? tokenFromCookies(cookies, cookieName);
}

/** The token from `auth` / `Authorization`: a browser never adds these on its own, so they are not CSRF-prone. */
export function tokenFromHeaders(headers: Record<string, string | undefined>): string | undefined {
  for (const token of [tokenCandidate(headers.auth, { schemeless: true }), tokenCandidate(headers.authorization, { schemeless: false })]) {
    if (token && TOKEN_SHAPE.test(token)) return token;
  }
  return undefined;
}

export function tokenFromCookies(cookies: string[], cookieName: string): string | undefined {
  for (const cookie of cookies.flatMap((c) => c.split(';'))) {
    const [name, ...rest] = cookie.trim().split('=');
    const value = rest.join('=');
    if (name === cookieName && TOKEN_SHAPE.test(value)) return value;
  }
  return undefined;
}

/**
 * The session cookie's name. Outside local mode the `__Host-` prefix makes browsers accept it
 * only with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or shadow it.
 * Only the name of the current mode is accepted.
 */
export const sessionCookieName = (localMode: boolean) => (localMode ? 'gateway_session' : '__Host-gateway_session');

/**
 * The Set-Cookie value for a session: without `maxAgeSeconds` a browser-session cookie (no Max-Age,
 * no Expires: the browser drops it when it closes); Max-Age 0 clears it. Local mode is plain HTTP:
 * no Secure there.
 */
export function sessionCookie(token: string, maxAgeSeconds: number | undefined, localMode: boolean): string {
  const maxAge = maxAgeSeconds === undefined ? [] : [`Max-Age=${maxAgeSeconds}`];
  return [`${sessionCookieName(localMode)}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...maxAge, ...(localMode ? [] : ['Secure'])].join('; ');
}

/**
 * The CSRF token of a session: derived from the session token, so nothing more is
 * stored, yet neither it nor the stored hash reveals the other (a distinct domain-separated digest).
 * Only a page that can read `GET /ui/api/session` (same origin) learns it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf-token\u0000${sessionToken}`, 'utf8').digest('base64url');
}

/** True when `sent` is the session's CSRF token (constant time). */
export function csrfTokenMatches(sessionToken: string, sent: string | undefined): boolean {
  return sent !== undefined && secretsEqual(csrfTokenFor(sessionToken), sent.trim());
}
