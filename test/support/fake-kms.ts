import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { AwsStub } from 'aws-sdk-client-mock';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-kms';

const PREFIX = 'wrapped:';

/**
 * A fake KMS on an aws-sdk-client-mock stub: it "wraps" a fresh data key by prefixing it, so a test
 * can tell the wrapped key (stored in the table) from the plain one (held in memory). `onKey` sees
 * each plain key generated; Decrypt checks the gateway's encryption context.
 */
export function fakeKms(kms: AwsStub<ServiceInputTypes, ServiceOutputTypes, KMSClientResolvedConfig>, onKey: (plain: Buffer) => void = () => {}): void {
  kms.on(GenerateDataKeyCommand).callsFake(async () => {
    const plain = randomBytes(32);
    onKey(plain);
    return { Plaintext: plain, CiphertextBlob: Buffer.concat([Buffer.from(PREFIX), plain]) };
  });
  kms.on(DecryptCommand).callsFake(async (input: { CiphertextBlob: Uint8Array; EncryptionContext?: Record<string, string> }) => {
    expect(input.EncryptionContext).toEqual({ purpose: 'failover-gateway-bam-credentials' });
    return { Plaintext: Buffer.from(input.CiphertextBlob).subarray(PREFIX.length) };
  });
}
