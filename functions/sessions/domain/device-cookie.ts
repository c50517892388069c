import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The device cookie (docs/security.md, "Login rate limits"): set by a successful login, it tells a later login
 * of the same username from that browser that the client has logged in before, so failures from
 * elsewhere cannot refuse it. It holds a random device id, when it was issued and an HMAC over both
 * and the lower-cased username: nothing is stored for it, and it cannot be made for another
 * username, another id or a later date without the key.
 */
export const deviceCookieName = (localMode: boolean) => (localMode ? 'gateway_device' : '__Host-gateway_device');

/**
 * The signing key, derived (HKDF) from the key the gateway already keeps for BAM credentials at
 * rest, for this purpose alone: no new secret to create, store or rotate.
 */
export function deviceKey(credentialKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', credentialKey, Buffer.alloc(0), 'failover-gateway device cookie v1', 32));
}

/** 128 random bits, base64url (22 characters). */
export const newDeviceId = () => randomBytes(16).toString('base64url');

const SHAPE = /^v1\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
const macOf = (key: Buffer, username: string, id: string, issued: number) =>
  createHmac('sha256', key).update(`device-cookie v1\u0000${username.toLowerCase()}\u0000${id}\u0000${issued}`, 'utf8').digest();

/** The cookie value for `id` and `username`, issued at `issuedAt` (epoch seconds). */
export function signDevice(key: Buffer, username: string, id: string, issuedAt: number): string {
  return `v1.${id}.${issuedAt}.${macOf(key, username, id, issuedAt).toString('base64url')}`;
}

/**
 * The device id of `value` when it is a cookie this gateway signed for `username`, issued at most
 * `maxAgeSeconds` ago (and not in the future); otherwise undefined.
 */
export function verifyDevice(key: Buffer, username: string, value: string | undefined, nowSeconds: number, maxAgeSeconds: number): string | undefined {
  const m = SHAPE.exec(value ?? '');
  if (!m) return undefined;
  const [, id, issuedText, sent] = m as unknown as [string, string, string, string];
  const issued = Number(issuedText);
  if (issued > nowSeconds + 60 || nowSeconds - issued > maxAgeSeconds) return undefined;
  const expected = macOf(key, username, id, issued);
  const given = Buffer.from(sent, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

/** The Set-Cookie value: HttpOnly, SameSite=Strict, Secure (and `__Host-`) outside local mode. */
export function deviceCookie(value: string, maxAgeSeconds: number, localMode: boolean): string {
  return [`${deviceCookieName(localMode)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(localMode ? [] : ['Secure'])].join('; ');
}

/** The device cookie's value in a request's cookies, if any. */
export function deviceCookieOf(cookies: string[], name: string): string | undefined {
  for (const cookie of cookies.flatMap((c) => c.split(';'))) {
    const [n, ...rest] = cookie.trim().split('=');
    if (n === name) return rest.join('=');
  }
  return undefined;
}
