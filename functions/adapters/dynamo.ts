import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one DynamoDB client of a process, created at module scope so a warm Lambda reuses its
 * connections. The SDK itself reads AWS_ENDPOINT_URL_DYNAMODB, which points it at the embedded
 * dynalite in local mode and tests (no code of ours reads the environment here).
 *
 * Single-table design (key schema `pk` / `sk`, both strings; TTL attribute `ttl`):
 *   SESSION#<sha256(token)>  / SESSION   a gateway session (token stored only as its hash)
 *   MONITOR                  / STATE     failover monitor state + its event outbox
 *   MONITOR                  / SERVICE#<epoch>  the service user's BAM session for that epoch
 *   PERMISSION#USER#<name> | PERMISSION#GROUP#<name> / <permission>   workflow permissions
 *   MEMBER#<username>        / GROUP#<group>   group membership
 *   GROUP                    / STATE     availability group state + its event outbox
 *   CONFIG                   / CREDENTIAL_DATA_KEY   KMS-wrapped key for BAM credentials (AWS)
 */
export function makeDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient(endpoint ? { endpoint, maxAttempts: 3 } : { maxAttempts: 3 });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export const documentClient = makeDocumentClient();

/** True for DynamoDB's answer to a failed ConditionExpression (the expected outcome of a lost race). */
export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write: true when it applied, false when its condition failed (a lost race); other errors propagate. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}
