import type { CredentialSealer } from '../../../functions/sessions/ports.js';

/**
 * A see-through sealer: the plaintext tagged with its context, so a test can read what was sealed
 * and a credential opened with the wrong context (another session's token hash, another epoch) fails,
 * as it does with the real cipher.
 */
export class FakeSealer implements CredentialSealer {
  encrypt(plaintext: string, context: string): string {
    return `sealed[${context}]${plaintext}`;
  }

  decrypt(sealed: string, context: string): string {
    const prefix = `sealed[${context}]`;
    if (!sealed.startsWith(prefix)) throw new Error('credential sealed for another context');
    return sealed.slice(prefix.length);
  }
}
