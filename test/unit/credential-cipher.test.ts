import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialCipher } from '../../functions/sessions/domain/credential-cipher.js';

const key = randomBytes(32);
const cipher = new CredentialCipher(key);
const b64 = (b: Buffer) => b.toString('base64');

describe('credential encryption (AES-256-GCM)', () => {
  it('round-trips, bound to its record', () => {
    const sealed = cipher.encrypt('BAMAuthToken: abc', 'SESSION#1');
    expect(cipher.decrypt(sealed, 'SESSION#1')).toBe('BAMAuthToken: abc');
    expect(() => cipher.decrypt(sealed, 'SESSION#2')).toThrow();
  });

  it('refuses a truncated authentication tag (GCM would otherwise accept as little as 4 bytes)', () => {
    const [v, iv, body, tag] = cipher.encrypt('BAMAuthToken: abc', 'SESSION#1').split('.');
    for (const bytes of [4, 8, 12, 15]) {
      const truncated = [v, iv, body, b64(Buffer.from(tag!, 'base64').subarray(0, bytes))].join('.');
      expect(() => cipher.decrypt(truncated, 'SESSION#1'), `${bytes}-byte tag`).toThrow(/tag/);
    }
  });

  it('refuses an IV that is not 12 bytes, even when the ciphertext is otherwise genuine', () => {
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from('SESSION#1'));
    const body = Buffer.concat([c.update('BAMAuthToken: abc', 'utf8'), c.final()]);
    const sealed = ['v1', b64(iv), b64(body), b64(c.getAuthTag())].join('.');
    expect(() => cipher.decrypt(sealed, 'SESSION#1')).toThrow(/IV/);
  });
});
