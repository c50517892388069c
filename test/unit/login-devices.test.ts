import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceCookie, deviceCookieOf, deviceKey, newDeviceId, signDevice, verifyDevice } from '../../functions/sessions/domain/device-cookie.js';
import { planFor, trustOf } from '../../functions/sessions/domain/login-trust.js';
import { throttleKeys } from '../../functions/sessions/domain/login-backoff.js';
import { TYPED_NAME_MAX, typedUsername } from '../../functions/kernel/audit.js';

const key = deviceKey(randomBytes(32));
const DAY = 86_400;
const now = 1_800_000_000;

describe('the device cookie cannot be forged', () => {
  const id = newDeviceId();
  const cookie = signDevice(key, 'alice', id, now);

  it('names its device for the username it was signed for, case-insensitively, while it is not too old', () => {
    expect(verifyDevice(key, 'alice', cookie, now, 30 * DAY)).toBe(id);
    expect(verifyDevice(key, 'ALICE', cookie, now + 29 * DAY, 30 * DAY)).toBe(id);
    expect(verifyDevice(key, 'alice', cookie, now + 31 * DAY, 30 * DAY)).toBeUndefined();
  });

  it('is refused for another username, with another id or date, with a changed or truncated MAC, or signed with another key', () => {
    const [v, , issued, mac] = cookie.split('.') as [string, string, string, string];
    const otherId = newDeviceId();
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    for (const forged of [
      `${v}.${otherId}.${issued}.${mac}`,
      `${v}.${id}.${Number(issued) + DAY}.${mac}`,
      `${v}.${id}.${issued}.${flipped}`,
      `${v}.${id}.${issued}.${mac.slice(0, 42)}`,
      `v2.${id}.${issued}.${mac}`,
      signDevice(deviceKey(randomBytes(32)), 'alice', id, now),
      '',
      'v1...',
    ]) {
      expect(verifyDevice(key, 'alice', forged, now, 30 * DAY)).toBeUndefined();
    }
    expect(verifyDevice(key, 'bob', cookie, now, 30 * DAY)).toBeUndefined();
    expect(verifyDevice(key, 'alice', signDevice(key, 'alice', id, now + 3600), now, 30 * DAY)).toBeUndefined(); // issued in the future
  });

  it('is an HttpOnly, SameSite=Strict cookie, Secure and __Host- outside local mode, read back from the Cookie header', () => {
    const set = deviceCookie(cookie, 30 * DAY, false).split('; ');
    expect(set[0]).toBe(`__Host-gateway_device=${cookie}`);
    expect(set).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure', `Max-Age=${30 * DAY}`]));
    expect(deviceCookie(cookie, DAY, true)).not.toContain('Secure');
    expect(deviceCookieOf([`gateway_session=x; gateway_device=${cookie}`], 'gateway_device')).toBe(cookie);
  });
});

describe('what decides a login, by how well its client is known', () => {
  const keys = throttleKeys('alice', '10.0.0.1', 'gateway-svc', 'AAAAAAAAAAAAAAAAAAAAAA');
  const { device, ...noDevice } = keys;

  it("a known client is refused only by its own failures, queues in its own count, and is only slowed by the username's and the address's", () => {
    const pair = planFor(noDevice, trustOf(noDevice, true));
    expect(pair).toMatchObject({ trust: 'pair', places: [{ pk: keys.pair, cap: 'perKnownClient' }], refuseBy: [keys.pair], slowBy: [keys.user, keys.ip], slowInPlace: false });
    expect(pair.chargeTo).not.toContain(keys.user); // its typos lock no one else out
    const dev = planFor(keys, trustOf(keys, false));
    expect(dev).toMatchObject({ trust: 'device', places: [{ pk: device }], refuseBy: [device], slowBy: [keys.user, keys.pair, keys.ip] });
  });

  it("an unknown client is refused by the username's, the pair's and the address's backoff, and charged to all three", () => {
    const plan = planFor(noDevice, trustOf(noDevice, false));
    expect(plan).toMatchObject({ trust: 'unknown', refuseBy: [keys.user, keys.pair, keys.ip], slowBy: [], chargeTo: [keys.user, keys.pair, keys.ip] });
    expect(plan.places.map((p) => p.cap)).toEqual(['perIp', 'perUser']);
  });

  it('the service user: its username counter is global and only slows, in place (it caps the rate), and every failure counts in it', () => {
    const svc = throttleKeys('gateway-svc', '10.0.0.1', 'gateway-svc');
    const unknown = planFor(svc, 'unknown');
    expect(unknown).toMatchObject({ refuseBy: [svc.pair, svc.ip], slowBy: [svc.user], slowInPlace: true, resetOnSuccess: [svc.pair] });
    expect(planFor(svc, 'pair').chargeTo).toContain(svc.user);
    expect(planFor(svc, 'pair').refuseBy).toEqual([svc.pair]);
  });
});

describe('a typed username in the audit log', () => {
  it('keeps a username as it is', () => {
    expect(typedUsername('alice.smith@example.com')).toBe('alice.smith@example.com');
  });

  it('drops control and invisible characters and cuts what is longer than a username', () => {
    expect(typedUsername('alice\r\n{"audit":true}\u0000\u200b\u2028')).toBe('alice{"audit":true}');
    const long = `${'x'.repeat(100)}correct horse battery staple`;
    const kept = typedUsername(long);
    expect([...kept]).toHaveLength(TYPED_NAME_MAX);
    expect(kept.endsWith('…')).toBe(true);
    expect(kept).not.toContain('horse');
    expect(typedUsername('\ud800'.repeat(5))).toBe('');
  });
});
