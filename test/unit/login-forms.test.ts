import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../functions/kernel/errors.js';
import type { HttpEvent } from '../../functions/kernel/http.js';
import { boundaryOf, parseMultipart } from '../../functions/kernel/multipart.js';
import { tokenCandidate } from '../../functions/sessions/domain/auth-header.js';
import { newToken, tokenFromRequest } from '../../functions/sessions/domain/tokens.js';
import { parseLoginRequest } from '../../functions/sessions/login-request.js';

/** BlueCat Gateway's script clients (docs/script-clients.md): form and multipart logins, the scheme-less `auth` header. */
const CRLF = '\r\n';
const multipart = (boundary: string, parts: string[]) => Buffer.from(`${parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('')}--${boundary}--${CRLF}`);
const field = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}${value}`;
const event = (contentType: string | undefined, body: string | Buffer, headers: Record<string, string> = {}): HttpEvent =>
  ({
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
    body: Buffer.isBuffer(body) ? body.toString('base64') : body,
    isBase64Encoded: Buffer.isBuffer(body),
    requestContext: { http: { method: 'POST' } },
  }) as unknown as HttpEvent;
const status = (f: () => unknown) => {
  try {
    f();
    return 200;
  } catch (e) {
    return e instanceof GatewayError ? e.status : 500;
  }
};

describe('the auth header without a scheme', () => {
  const t = newToken();
  it.each([
    ['auth: BAMAuthToken: <t>', { auth: `BAMAuthToken: ${t}` }],
    ['auth: <t>', { auth: t }],
    ['auth: Basic BAMAuthToken: <t> (the Rundeck plugin)', { auth: `Basic BAMAuthToken: ${t}` }],
    ['auth:  BAMAuthToken:<t> with spaces around', { auth: `  BAMAuthToken:${t}  ` }],
  ])('is read from %s', (_, headers) => {
    expect(tokenFromRequest(headers, [], 'gateway_session')).toBe(t);
  });

  it('Authorization still needs its scheme (HTTP), and nothing but the token shape is taken', () => {
    expect(tokenFromRequest({ authorization: `BAMAuthToken: ${t}` }, [], 'gateway_session')).toBeUndefined();
    expect(tokenFromRequest({ authorization: t }, [], 'gateway_session')).toBeUndefined();
    expect(tokenFromRequest({ auth: 'BAMAuthToken:' }, [], 'gateway_session')).toBeUndefined();
    expect(tokenFromRequest({ auth: `${t} extra` }, [], 'gateway_session')).toBeUndefined();
    expect(tokenFromRequest({ auth: `Digest ${t}` }, [], 'gateway_session')).toBeUndefined();
    expect(tokenCandidate(`Basic BAMAuthToken: ${t}`, { schemeless: false })).toBe(t);
  });
});

describe('multipart/form-data, text fields only', () => {
  it('reads fields as Postman sends them, a preamble, transport padding and quoted names', () => {
    const body = Buffer.concat([
      Buffer.from(`preamble${CRLF}`),
      multipart('X-b', [field('username', 'alice'), `Content-Disposition: form-data; name="pass\\"word"${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}p|ä=ss`]),
    ]);
    expect(parseMultipart(body, 'X-b')).toEqual([
      { name: 'username', value: 'alice' },
      { name: 'pass"word', value: 'p|ä=ss' },
    ]);
    expect(parseMultipart(Buffer.from(`--b  ${CRLF}${field('a', '1')}${CRLF}--b--`), 'b')).toEqual([{ name: 'a', value: '1' }]);
  });

  it('a value holding CRLF and dashes stays whole; only CRLF--boundary ends it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,12}$/), fc.string({ maxLength: 200 })), { maxLength: 10 }), (pairs) => {
        const fields = pairs.map(([n, v]) => ({ name: n, value: v.replaceAll('--bound', '-bound') }));
        const body = multipart(
          'bound',
          fields.map((f) => field(f.name, f.value)),
        );
        expect(parseMultipart(body, 'bound')).toEqual(fields);
      }),
    );
  });

  it.each([
    ['a file part', multipart('b', [`Content-Disposition: form-data; name="f"; filename="x.txt"${CRLF}${CRLF}data`]), 400],
    ['a binary part', multipart('b', [`Content-Disposition: form-data; name="f"${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}x`]), 400],
    ['no closing boundary', Buffer.from(`--b${CRLF}${field('a', '1')}`), 400],
    ['no boundary at all', Buffer.from('username=alice'), 400],
    ['a part without a name', multipart('b', [`Content-Disposition: form-data${CRLF}${CRLF}x`]), 400],
    ['a part that is not form-data', multipart('b', [`Content-Disposition: attachment; name="a"${CRLF}${CRLF}x`]), 400],
    ['headers without the blank line', Buffer.from(`--b${CRLF}Content-Disposition: form-data; name="a"${CRLF}--b--`), 400],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`--b${CRLF}${field('a', '')}`), Buffer.from([0xff, 0xfe]), Buffer.from(`${CRLF}--b--`)]), 400],
    [
      '21 fields',
      multipart(
        'b',
        Array.from({ length: 21 }, (_, i) => field(`f${i}`, 'x')),
      ),
      400,
    ],
    ['a field over 8 KB', multipart('b', [field('password', 'x'.repeat(9000))]), 413],
  ])('%s: refused (%s)', (_, body, code) => {
    expect(status(() => parseMultipart(body, 'b'))).toBe(code);
  });

  it('takes the boundary from the Content-Type, quoted or not; a missing or malformed one is a 400', () => {
    expect(boundaryOf('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk')).toBe('----WebKitFormBoundary7MA4YWxk');
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    for (const bad of ['multipart/form-data', 'multipart/form-data; boundary=', `multipart/form-data; boundary=${'x'.repeat(71)}`, 'multipart/form-data; boundary="a\u0000"'])
      expect(status(() => boundaryOf(bad))).toBe(400);
  });
});

describe('POST /rest_login bodies', () => {
  const want = { username: 'alice', password: 'a&b=c d', bam_alias: 'bam1' };
  it('JSON, url-encoded and multipart give the same login', () => {
    expect(parseLoginRequest(event('application/json', JSON.stringify(want)))).toEqual(want);
    expect(parseLoginRequest(event('application/x-www-form-urlencoded', 'username=alice&password=a%26b%3Dc+d&bam_alias=bam1'))).toEqual(want);
    expect(parseLoginRequest(event('application/x-www-form-urlencoded; charset=UTF-8', 'username=alice&password=a%26b%3Dc%20d&bam_alias=bam1&extra=1'))).toEqual(want);
    const b = multipart(
      'zz',
      Object.entries(want).map(([k, v]) => field(k, v)),
    );
    expect(parseLoginRequest(event('multipart/form-data; boundary=zz', b))).toEqual(want);
  });

  it.each([
    ['text/plain', 'text/plain', 'username=a&password=b', {}, 415],
    ['no content type, a body', undefined, 'username=a&password=b', {}, 415],
    ['an empty form', 'application/x-www-form-urlencoded', '', {}, 400],
    ['a form without the password', 'application/x-www-form-urlencoded', 'username=a', {}, 400],
    ['a field given twice', 'application/x-www-form-urlencoded', 'username=a&password=b&password=c', {}, 400],
    ['alias and url both', 'application/x-www-form-urlencoded', 'username=a&password=b&bam_alias=x&bam_url=y', {}, 400],
    ['another charset', 'application/x-www-form-urlencoded; charset=iso-8859-1', 'username=a&password=b', {}, 415],
    ['21 fields', 'application/x-www-form-urlencoded', Array.from({ length: 21 }, (_, i) => `f${i}=1`).join('&'), {}, 400],
    ['over 1 MB', 'application/x-www-form-urlencoded', `username=a&password=${'x'.repeat(1024 * 1024)}`, {}, 413],
    ['a form a browser page posts (navigation)', 'application/x-www-form-urlencoded', 'username=a&password=b', { 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'same-origin' }, 403],
    ['a form posted into a frame', 'multipart/form-data; boundary=b', 'x', { 'sec-fetch-dest': 'iframe' }, 403],
  ])('%s: %s', (_, type, body, headers, code) => {
    expect(status(() => parseLoginRequest(event(type, body, headers)))).toBe(code);
  });
});
