import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts BAM credentials at rest with AES-256-GCM. The associated data binds a ciphertext to
 * its record (the session's token hash), so a ciphertext copied into another record will not
 * decrypt.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CredentialCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('credential key must be 32 bytes');
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), body.toString('base64'), cipher.getAuthTag().toString('base64')].join('.');
  }

  decrypt(sealed: string, context: string): string {
    const [version, iv64, body, tag64] = sealed.split('.');
    if (version !== 'v1' || !iv64 || !body || !tag64) throw new Error('unrecognised credential ciphertext');
    const iv = Buffer.from(iv64, 'base64');
    const tag = Buffer.from(tag64, 'base64');
    // GCM accepts short tags (down to 4 bytes, forgeable) and any IV length: accept only what encrypt makes.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('credential ciphertext has a wrong IV or tag length');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
