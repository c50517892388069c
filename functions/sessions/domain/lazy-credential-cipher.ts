import { CredentialCipher } from './credential-cipher.js';
import { GatewayError } from '../../kernel/errors.js';

/** No credential key yet: only operations that encrypt or decrypt a BAM credential fail with it. */
export class CredentialKeyMissingError extends GatewayError {
  constructor(readonly detail: string) {
    super(503, 'GatewayNotReady', 'The gateway cannot use stored Address Manager credentials yet. Try again shortly.', undefined, { 'retry-after': '5' });
    this.name = 'CredentialKeyMissingError';
  }
}

/**
 * A CredentialCipher whose key may arrive after the function started (in AWS it is created by the
 * sessions function, possibly later). Each call asks `currentKey` and fails with
 * CredentialKeyMissingError while there is none; the rest of the function works meanwhile.
 */
export class LazyCredentialCipher extends CredentialCipher {
  private ready?: { key: Buffer; cipher: CredentialCipher };

  constructor(
    private readonly currentKey: () => Buffer | undefined,
    private readonly missing: () => CredentialKeyMissingError,
  ) {
    super(Buffer.alloc(32)); // never used: every call goes to the cipher of the current key
  }

  override encrypt(plaintext: string, context: string): string {
    return this.cipher().encrypt(plaintext, context);
  }

  override decrypt(sealed: string, context: string): string {
    return this.cipher().decrypt(sealed, context);
  }

  private cipher(): CredentialCipher {
    const key = this.currentKey();
    if (!key) throw this.missing();
    if (this.ready?.key !== key) this.ready = { key, cipher: new CredentialCipher(key) };
    return this.ready.cipher;
  }
}
