import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo.js';
import { sweepExpired, type SweepResult } from '../adapters/expired-items.js';
import { logger } from '../kernel/logger.js';
import { tableName } from '../wiring/environment.js';

/**
 * Removes expired items from a table without TTL (the two-region group's MRSC table), on a
 * schedule. Reads only TABLE_NAME; its role may scan the table and delete only expiring kinds of items.
 */
export const handler = middy<unknown, SweepResult, Error, Context>().handler(async (_event, context) => {
  const table = tableName();
  if (!table) throw new Error('TABLE_NAME is not set');
  const result = await sweepExpired(documentClient, table, Math.floor(Date.now() / 1000), () => context.getRemainingTimeInMillis() > 30_000);
  logger.info('expired items swept', { ...result });
  return result;
});
