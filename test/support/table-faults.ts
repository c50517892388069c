import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DynamoDB request as the client sent it: enough to audit its consistency and its condition. */
export interface RecordedCall {
  command: string;
  pk: string | undefined;
  sk: string | undefined;
  consistentRead: boolean;
  condition: string | undefined;
  update: string | undefined;
}

const keyPart = (v: unknown): string | undefined => (typeof v === 'string' ? v : ((v as { S?: string } | undefined)?.S ?? undefined));

/** Records every request a client sends (SDK middleware: the real adapters, unchanged). */
export function recordCalls(db: DynamoDBDocumentClient): RecordedCall[] {
  const calls: RecordedCall[] = [];
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: Record<string, unknown>; Item?: Record<string, unknown>; ConsistentRead?: boolean; ConditionExpression?: string; UpdateExpression?: string };
      const key = input.Key ?? input.Item;
      calls.push({
        command: context.commandName ?? '?',
        pk: keyPart(key?.pk),
        sk: keyPart(key?.sk),
        consistentRead: input.ConsistentRead === true,
        condition: input.ConditionExpression,
        update: input.UpdateExpression,
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  return calls;
}

/**
 * A switchable partition between one node and the table: while cut, every request fails the way an
 * unreachable endpoint does (a network error, after the SDK gives up), and nothing reaches DynamoDB.
 */
export function partitionable(db: DynamoDBDocumentClient): { cut: () => void; heal: () => void; readonly isCut: boolean } {
  let cut = false;
  db.middlewareStack.add(
    (next) => async (args) => {
      if (cut) throw Object.assign(new Error('connect ECONNREFUSED (partitioned from the table)'), { name: 'TimeoutError', code: 'ECONNREFUSED', $metadata: {} });
      return next(args);
    },
    { step: 'initialize', name: 'partition' },
  );
  return {
    cut: () => void (cut = true),
    heal: () => void (cut = false),
    get isCut() {
      return cut;
    },
  };
}
