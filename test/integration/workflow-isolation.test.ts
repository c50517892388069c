import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { registerLocalRunner } from '../../functions/adapters/runner-invoker.js';
import { handler as runner } from '../../functions/handlers/workflow-runner.js';
import { workflows } from '../../functions/workflows/index.js';
import type { RunnerRequest } from '../../functions/workflows/runner-protocol.js';
import type { WorkflowRoute } from '../../functions/workflows/define.js';
import { call, login } from '../support/client.js';

/**
 * Custom workflow code cannot escalate (SPEC §13): it runs in the workflow runner, which receives
 * a JSON payload holding no session token, no auth header or cookie and no gateway secret.
 * Payloads are captured on their way to the runner, in local mode (same path as in AWS).
 */
let stack: LocalStack;
let token: string;
const payloads: RunnerRequest[] = [];

beforeAll(async () => {
  stack = await startLocalStack();
  token = await login(stack.url, 'alice', 'alice-pass');
  registerLocalRunner(async (event) => {
    payloads.push(event);
    return runner(event);
  });
});
afterAll(async () => stack?.close());

/** Runs `probe` as the get_configurations workflow for one request. */
async function asWorkflow(probe: WorkflowRoute['handler'], headers: Record<string, string>) {
  const route = workflows.find((w) => w.name === 'failover_rest_endpoints')!.routes[0]!;
  const real = route.handler;
  route.handler = probe;
  try {
    return await call(stack.url, 'GET', '/failover_rest_endpoints/get_configurations', { headers });
  } finally {
    route.handler = real;
  }
}

describe('what workflow code receives', () => {
  it('no token in any header form or cookie, and nowhere in the payload', async () => {
    payloads.length = 0;
    const forms: Record<string, string>[] = [
      { auth: `Basic BAMAuthToken: ${token}`, 'x-trace': 'kept' },
      { authorization: `Bearer ${token}`, 'x-trace': 'kept' },
      { cookie: `gateway_session=${token}`, 'x-trace': 'kept' },
    ];
    for (const headers of forms) {
      const r = await asWorkflow(async (ctx) => ({ headers: ctx.request.headers }), { ...headers, 'x-auth-token': token });
      expect(r.status).toBe(200);
      expect(r.body.headers['x-trace']).toBe('kept');
      for (const name of ['auth', 'authorization', 'cookie', 'x-auth-token']) expect(r.body.headers).not.toHaveProperty(name);
    }
    expect(payloads).toHaveLength(3);
    for (const p of payloads) {
      const text = JSON.stringify(p);
      expect(text).not.toContain(token);
      expect(text).not.toContain(stack.env.GATEWAY_SERVICE_PASSWORD!);
      expect(text).not.toContain(stack.env.CREDENTIAL_KEY!);
      expect(p).toMatchObject({ username: 'alice', workflow: 'failover_rest_endpoints', bam: { url: stack.cluster!.server('bam1').url } });
    }
  });

  it("the caller's own BAM credential works for BAM calls; the platform state is there", async () => {
    const r = await call(stack.url, 'GET', '/failover_rest_endpoints/get_configurations', { token });
    expect(r.body).toEqual({ primary_url: stack.cluster!.server('bam1').url, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
    const node = await asWorkflow(async ({ platform }) => platform.availability.getNodeState(), { authorization: `Bearer ${token}` });
    expect(node.body).toMatchObject({ node_role: 'not_in_group' });
  });

  it("a workflow's own errors still map as before (a thrown 400 keeps its code; a crash is the default 500)", async () => {
    const { badRequest } = await import('../../functions/commons/errors.js');
    const bad = await asWorkflow(
      async () => {
        throw badRequest('No such thing here.', [{ field: 'x' }]);
      },
      { authorization: `Bearer ${token}` },
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: 'BadRequest', message: 'No such thing here.', status: 400, details: [{ field: 'x' }] });
    const crash = await asWorkflow(
      async () => {
        throw new Error('secret internals');
      },
      { authorization: `Bearer ${token}` },
    );
    expect(crash.status).toBe(500);
    expect(crash.body.message).toBe('Unable to retrieve configurations from Address Manager');
    expect(JSON.stringify(crash.body)).not.toContain('secret internals');
  });
});
