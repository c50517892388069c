import { deviceCookie, deviceCookieName, deviceCookieOf, deviceKey, newDeviceId, signDevice, verifyDevice } from './domain/device-cookie.js';

let derived: { from: Buffer; key: Buffer } | undefined;

/** The credential key as configured (local mode), or as this process holds it (`held`: loaded from Secrets Manager in AWS). */
export interface DeviceKeySource {
  credentialKey?: Buffer;
  held: () => Buffer | undefined;
  /** Local mode names the cookie without the `__Host-` prefix (plain HTTP). */
  localMode: boolean;
}

/** The device cookies' key: derived from the credential key this process holds; none while there is none (AWS, before the key exists). */
function signingKey(config: DeviceKeySource): Buffer | undefined {
  const from = config.credentialKey ?? config.held();
  if (!from) return undefined;
  if (derived?.from !== from) derived = { from, key: deviceKey(from) };
  return derived.key;
}

/** The device id of the request's device cookie when it is a valid one of `username`, no older than `maxAgeMs`. */
export function deviceOf(config: DeviceKeySource, cookies: string[] | undefined, username: string, maxAgeMs: number, now = Date.now()): string | undefined {
  const key = signingKey(config);
  if (!key) return undefined;
  return verifyDevice(key, username, deviceCookieOf(cookies ?? [], deviceCookieName(config.localMode)), Math.floor(now / 1000), Math.floor(maxAgeMs / 1000));
}

/** The Set-Cookie of a successful login: the device cookie (the same device id when it had one), issued now. */
export function deviceCookieAfterLogin(config: DeviceKeySource, username: string, deviceId: string | undefined, maxAgeMs: number, now = Date.now()): string[] {
  const key = signingKey(config);
  if (!key) return [];
  return [deviceCookie(signDevice(key, username, deviceId ?? newDeviceId(), Math.floor(now / 1000)), Math.floor(maxAgeMs / 1000), config.localMode)];
}
