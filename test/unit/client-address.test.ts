import { describe, expect, it } from 'vitest';
import { clientAddress, type VerifiedEvent } from '../../functions/kernel/client-address.js';

const event = (sourceIp: string, headers: Record<string, string>, originVerified?: boolean) =>
  ({ headers, requestContext: { http: { sourceIp } }, ...(originVerified === undefined ? {} : { originVerified }) }) as unknown as VerifiedEvent;

describe('clientAddress', () => {
  it('is the connection address when the request was not verified as coming through CloudFront, whatever it claims', () => {
    expect(clientAddress(event('198.51.100.7', { 'true-client-ip': '203.0.113.9' }))).toBe('198.51.100.7');
    expect(clientAddress(event('198.51.100.7', { 'true-client-ip': '203.0.113.9' }, false))).toBe('198.51.100.7');
  });

  it('is the viewer address CloudFront reported on a verified request', () => {
    expect(clientAddress(event('130.176.1.1', { 'true-client-ip': '203.0.113.9' }, true))).toBe('203.0.113.9');
    expect(clientAddress(event('130.176.1.1', { 'true-client-ip': '2001:db8::1' }, true))).toBe('2001:db8::1');
  });

  it('reads ip:port (IPv6 unbracketed: the port follows the last colon)', () => {
    expect(clientAddress(event('130.176.1.1', { 'true-client-ip': '203.0.113.9:46532' }, true))).toBe('203.0.113.9');
    expect(clientAddress(event('130.176.1.1', { 'true-client-ip': '2001:db8:0:0:0:0:0:1:46532' }, true))).toBe('2001:db8:0:0:0:0:0:1');
    expect(clientAddress(event('130.176.1.1', { 'true-client-ip': '[2001:db8::1]:443' }, true))).toBe('2001:db8::1');
  });

  it('falls back to the connection address when the verified header is missing or not an address', () => {
    expect(clientAddress(event('130.176.1.1', {}, true))).toBe('130.176.1.1');
    expect(clientAddress(event('130.176.1.1', { 'true-client-ip': 'evil, 1.2.3.4' }, true))).toBe('130.176.1.1');
  });
});
