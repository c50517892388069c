import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoPermissionStore } from '../../functions/adapters/permission-store.js';
import { freshTable } from '../support/dynamo.js';

describe('permission reads on the real table', () => {
  let t: Awaited<ReturnType<typeof freshTable>>;
  beforeAll(async () => {
    t = await freshTable();
  });
  afterAll(async () => t.close());

  it('a permission held through any of 150 groups counts (more groups than one BatchGet takes)', async () => {
    const store = new DynamoPermissionStore(t.db, t.tableName);
    for (let g = 0; g < 150; g++) await store.addMember(`team-${String(g).padStart(3, '0')}`, 'carol');
    expect(await store.has('carol', 'ip_space')).toBe(false);
    await store.grant({ kind: 'group', name: 'team-149' }, 'ip_space');
    expect(await store.has('carol', 'ip_space')).toBe(true);
  });
});

describe('permission reads under throttling (DynamoDB answers UnprocessedKeys)', () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const ddb = mockClient(db);
  afterEach(() => ddb.reset());
  const store = new DynamoPermissionStore(db, 'gw');
  const groupGrant = { pk: 'PERMISSION#GROUP#network-engineers', sk: 'ip_space' };

  it('retries unprocessed keys instead of answering a spurious 403, reading strongly consistently', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'MEMBER#alice', sk: 'GROUP#network-engineers' }] });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [groupGrant] } } })
      .resolvesOnce({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [groupGrant] } } })
      .resolves({ Responses: { gw: [groupGrant] } });

    expect(await store.has('alice', 'ip_space')).toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 3);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ConsistentRead: true });
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, { RequestItems: { gw: { Keys: [groupGrant], ConsistentRead: true } } });
  });

  it('fails loudly (a 500, retryable) rather than deny when keys stay unprocessed', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'MEMBER#alice', sk: 'GROUP#network-engineers' }] });
    ddb.on(BatchGetCommand).resolves({ Responses: { gw: [] }, UnprocessedKeys: { gw: { Keys: [groupGrant] } } });
    await expect(store.has('alice', 'ip_space')).rejects.toThrow(/unprocessed/);
  });
});
