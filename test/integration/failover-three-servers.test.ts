import { afterAll, beforeAll, describe, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { referenceFailover } from '../support/failover-scenario.js';

/**
 * The reference failover in BAM's three-server form: the promoted Standby reports Primary (not
 * Standalone), the other Standby (bam3) stays Standby, and the returning old Primary is fenced
 * until re-added, as in the two-server form (failover.test.ts).
 */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ simServers: ['bam1', 'bam2', 'bam3'] });
});
afterAll(async () => stack?.close());

describe('an Address Manager failover in a three-server cluster', () => {
  it('runs the reference scenario: bam2 promoted to Primary, bam3 stays Standby, bam1 back claiming Primary is fenced until re-added', async () => {
    await referenceFailover(stack);
  });
});
