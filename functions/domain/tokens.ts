import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
 * is `BAMAuthToken: <token>` or just `<token>`, or the session cookie. Headers are lower-cased.
 */
export function tokenFromRequest(headers: Record<string, string | undefined>, cookies: string[] = []): string | undefined {
  for (const value of [headers.auth, headers.authorization]) {
    const m = /^(?:Basic|Bearer)\s+(?:BAMAuthToken:\s*)?(\S+)\s*$/i.exec(value ?? '');
    if (m?.[1] && TOKEN_SHAPE.test(m[1])) return m[1];
  }
  for (const cookie of cookies.flatMap((c) => c.split(';'))) {
    const [name, ...rest] = cookie.trim().split('=');
    const value = rest.join('=');
    if (name === SESSION_COOKIE && TOKEN_SHAPE.test(value)) return value;
  }
  return undefined;
}

export const SESSION_COOKIE = 'gateway_session';

/** Constant-time comparison of two secrets of any length (compares their digests). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
