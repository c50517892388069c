import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { loadCredentialKey } from '../../functions/wiring/secrets.js';
import { createGatewayTable } from '../../local/dynamo.js';
import { freshTable } from '../support/dynamo.js';
import { fakeKms } from '../support/fake-kms.js';

/** KMS is mocked (there is no local KMS); the wrapped key is stored in dynalite for real. */
let t: Awaited<ReturnType<typeof freshTable>>;
const kms = mockClient(KMSClient);
beforeAll(async () => {
  t = await freshTable();
});
afterAll(async () => t.close());
afterEach(() => kms.reset());
// The mock replaces KMSClient's send for the whole thread, whose modules later files share: undone here.
afterAll(() => kms.restore());

describe('the credential data key (envelope encryption with KMS)', () => {
  it('is created once and stored only wrapped; every later cold start unwraps the same key', async () => {
    fakeKms(kms);
    const table = `key-${Date.now()}`;
    await createGatewayTable(t.endpoint, table);
    const first = await loadCredentialKey(t.db, table, 'arn:aws:kms:eu-west-1:111122223333:key/k', { create: true });
    const again = await loadCredentialKey(t.db, table, 'arn:aws:kms:eu-west-1:111122223333:key/k', { create: true });
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(again).toBe(first);
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1);
    const { Item } = await t.db.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: table, Key: { pk: 'CONFIG', sk: 'CREDENTIAL_DATA_KEY' } }));
    expect(Item!.wrappedKey).not.toContain(first);
  });

  it('two functions starting at once end up with the same key', async () => {
    fakeKms(kms);
    const table = `key-race-${Date.now()}`;
    await createGatewayTable(t.endpoint, table);
    const keys = await Promise.all(Array.from({ length: 4 }, () => loadCredentialKey(t.db, table, 'k', { create: true })));
    expect(new Set(keys).size).toBe(1);
  });

  it('a KMS failure fails the cold start loudly (nothing half-stored)', async () => {
    kms.on(GenerateDataKeyCommand).rejects(Object.assign(new Error('AccessDeniedException'), { name: 'AccessDeniedException' }));
    const table = `key-fail-${Date.now()}`;
    await createGatewayTable(t.endpoint, table);
    await expect(loadCredentialKey(t.db, table, 'k', { create: true })).rejects.toThrow(/AccessDenied/);
    const { Item } = await t.db.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: table, Key: { pk: 'CONFIG', sk: 'CREDENTIAL_DATA_KEY' } }));
    expect(Item).toBeUndefined();
  });
});
