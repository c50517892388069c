import { randomUUID } from 'node:crypto';
import { createGatewayTable, startDynalite } from '../../local/dynamo.js';
import { makeDocumentClient } from '../../functions/adapters/dynamo.js';

/** A fresh dynalite with the gateway table, and a document client on it. */
export async function freshTable() {
  const dynamo = await startDynalite();
  const tableName = `gw-${randomUUID().slice(0, 8)}`;
  await createGatewayTable(dynamo.endpoint, tableName);
  const db = makeDocumentClient(dynamo.endpoint);
  return { db, tableName, endpoint: dynamo.endpoint, close: async () => (db.destroy(), dynamo.close()) };
}
