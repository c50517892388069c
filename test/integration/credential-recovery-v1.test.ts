import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { withRunner } from '../support/runners.js';
import { call, login } from '../support/client.js';

/** REST v1 (its own file: the API version is read once per process): a forged 401 is checked with getSystemInfo; a real restart still recovers. */
let stack: LocalStack;
let base: string;
const configurations = (token: string) => call(base, 'GET', '/failover_rest_endpoints/get_configurations', { token });
const serviceLogins = () => stack.cluster!.server('bam1').logins.get('gateway-svc') ?? 0;

beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '1' } });
  base = stack.url;
});
afterAll(async () => stack?.close());

describe('REST v1: a rejected service credential', () => {
  it('forged by the runner costs no service login; rejected by a restarted BAM costs exactly one', async () => {
    const token = await login(base, 'gateway-svc', 'gateway-svc-pass');
    await withRunner(
      'failover_rest_endpoints',
      async () => ({ ok: false, error: { kind: 'bam-http', status: 401, bamMessage: 'forged' } }),
      async () => {
        await configurations(token); // binds the session to the epoch's shared service session
        const before = serviceLogins();
        for (let i = 0; i < 3; i++) expect((await configurations(token)).status).toBe(401);
        expect(serviceLogins() - before).toBe(0);
      },
    );
    expect((await configurations(token)).status).toBe(200);

    await call(base, 'POST', '/_local/bam/bam1/restart');
    const before = serviceLogins();
    expect((await configurations(token)).status).toBe(200);
    expect(serviceLogins() - before).toBe(1);
  });
});
