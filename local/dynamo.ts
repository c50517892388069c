import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESSIONS_BY_SERVER_INDEX, SESSIONS_BY_SERVER_PROJECTION, SESSIONS_BY_USER_INDEX, SESSIONS_BY_USER_PROJECTION } from '../functions/adapters/session-index.js';

/**
 * Set to a DynamoDB endpoint (CI's second pass: AWS's DynamoDB Local, .ci/dynamodb-local.sh), the
 * local runtime and the tests use it instead of starting dynalite. It is shared by every test file,
 * so table names must be unique: see `localTableName`.
 */
export const EXTERNAL_DYNAMODB_ENV = 'GATEWAY_TEST_DYNAMODB';

/** A table name for the local runtime: `base`, or on a shared external DynamoDB, `base` plus a unique suffix. */
export function localTableName(base: string): string {
  return process.env[EXTERNAL_DYNAMODB_ENV] ? `${base}-${randomUUID().slice(0, 8)}` : base;
}

/** Embedded DynamoDB (dynalite, in memory) on a free loopback port; or the external one, when GATEWAY_TEST_DYNAMODB names it. */
export async function startDynalite(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const external = process.env[EXTERNAL_DYNAMODB_ENV];
  if (external) return { endpoint: external, close: async () => undefined }; // its owner stops it
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Creates the gateway table with the key schema the CDK stack gives it (lib/gateway-stack.ts). */
export async function createGatewayTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'sessionUser', AttributeType: 'S' },
        { AttributeName: 'boundServer', AttributeType: 'S' },
        { AttributeName: 'expiresAt', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: SESSIONS_BY_USER_INDEX,
          KeySchema: [{ AttributeName: 'sessionUser', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: SESSIONS_BY_USER_PROJECTION },
        },
        {
          IndexName: SESSIONS_BY_SERVER_INDEX,
          KeySchema: [
            { AttributeName: 'boundServer', KeyType: 'HASH' },
            { AttributeName: 'expiresAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: SESSIONS_BY_SERVER_PROJECTION },
        },
      ],
    }),
  );
  client.destroy();
}
