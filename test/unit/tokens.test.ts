import { describe, expect, it } from 'vitest';
import { hashToken, newToken, secretsEqual, sessionCookie, sessionCookieName, tokenFromRequest } from '../../functions/sessions/domain/tokens.js';
import { CredentialCipher } from '../../functions/sessions/domain/credential-cipher.js';
import { randomBytes } from 'node:crypto';

describe('session tokens', () => {
  const token = newToken();

  it('are 256 random bits, different each time, stored as a SHA-256 hash', () => {
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
  });

  it.each([
    ['auth: Basic BAMAuthToken: <t>', { auth: `Basic BAMAuthToken: ${token}` }],
    ['auth: Basic <t>', { auth: `Basic ${token}` }],
    ['Authorization: Basic BAMAuthToken: <t>', { authorization: `Basic BAMAuthToken: ${token}` }],
    ['Authorization: Bearer <t>', { authorization: `Bearer ${token}` }],
    ['Authorization: bearer BAMAuthToken:<t>', { authorization: `bearer BAMAuthToken:${token}` }],
  ])('are read from %s', (_, headers) => {
    expect(tokenFromRequest(headers, [], 'gateway_session')).toBe(token);
  });

  it('are read from the session cookie', () => {
    expect(tokenFromRequest({}, ['other=1', `gateway_session=${token}`], 'gateway_session')).toBe(token);
  });

  it('are read only from the cookie name of the mode: __Host-gateway_session outside local mode', () => {
    expect(sessionCookieName(false)).toBe('__Host-gateway_session');
    expect(sessionCookieName(true)).toBe('gateway_session');
    expect(tokenFromRequest({}, [`__Host-gateway_session=${token}`], sessionCookieName(false))).toBe(token);
    expect(tokenFromRequest({}, [`gateway_session=${token}`], sessionCookieName(false))).toBeUndefined();
    expect(tokenFromRequest({}, [`__Host-gateway_session=${token}`], sessionCookieName(true))).toBeUndefined();
  });

  it('set the cookie with the __Host- prefix, Path=/, Secure, HttpOnly and SameSite=Strict outside local mode', () => {
    const parts = sessionCookie(token, 3600, false).split('; ');
    expect(parts[0]).toBe(`__Host-gateway_session=${token}`);
    expect(parts).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict', 'Max-Age=3600']));
    expect(parts.some((p) => p.startsWith('Domain'))).toBe(false);
    expect(sessionCookie(token, 3600, true).split('; ')).not.toContain('Secure');
  });

  it.each([
    ['no header', {}],
    ['a malformed token', { authorization: 'Bearer not-a-token' }],
    ['another scheme', { authorization: `Digest ${token}` }],
  ])('are absent with %s', (_, headers) => {
    expect(tokenFromRequest(headers, [], 'gateway_session')).toBeUndefined();
  });

  it('compares secrets whatever their lengths', () => {
    expect(secretsEqual('gateway-svc-pass', 'gateway-svc-pass')).toBe(true);
    expect(secretsEqual('gateway-svc-pass', 'gateway-svc-pas')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
});

describe('credential cipher', () => {
  const cipher = new CredentialCipher(randomBytes(32));

  it('round-trips and never shows the plaintext', () => {
    const sealed = cipher.encrypt('Basic c2VjcmV0', 'ctx');
    expect(sealed).not.toContain('c2VjcmV0');
    expect(cipher.decrypt(sealed, 'ctx')).toBe('Basic c2VjcmV0');
  });

  it('refuses a ciphertext moved to another record, a tampered one, and the wrong key', () => {
    const sealed = cipher.encrypt('secret', 'session-a');
    expect(() => cipher.decrypt(sealed, 'session-b')).toThrow();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('tampered').toString('base64');
    expect(() => cipher.decrypt(parts.join('.'), 'session-a')).toThrow();
    expect(() => new CredentialCipher(randomBytes(32)).decrypt(sealed, 'session-a')).toThrow();
    expect(() => new CredentialCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
