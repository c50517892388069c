import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { answer, attachment, noContent } from '../../functions/workflows/define.js';
import { badRequest } from '../../functions/kernel/errors.js';
import type { RunnerRequest } from '../../functions/workflows/ports.js';
import type { WorkflowRoute } from '../../functions/workflows/define.js';
import { runnerOf, withRouteHandler, withRunner } from '../support/runners.js';
import { call, login } from '../support/client.js';

/**
 * Custom workflow code cannot escalate: it runs in its own runner, which receives a JSON payload
 * holding no session token, no auth header or cookie and no gateway secret, and whatever it
 * answers, the trusted side builds the HTTP answer itself. Payloads are captured on their way to
 * the runner in local mode (the same path as in AWS; test/infra/workflow-boundary.test.ts runs
 * the bundles CDK builds).
 */
let stack: LocalStack;
let token: string;
const payloads: RunnerRequest[] = [];
const WF = 'failover_rest_endpoints';
const PATH = '/failover_rest_endpoints/get_configurations';
const DEFAULT = 'Unable to retrieve configurations from Address Manager';

beforeAll(async () => {
  stack = await startLocalStack({ env: { WORKFLOW_TIMEOUT_MS: '1500' } });
  token = await login(stack.url, 'alice', 'alice-pass');
});
afterAll(async () => stack?.close());

/** Runs `probe` as the get_configurations route for one request, capturing the runner's payload. */
async function asWorkflow(probe: WorkflowRoute['handler'], headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const real = await runnerOf(WF);
  return withRunner(
    WF,
    async (event) => {
      payloads.push(event);
      return real(event);
    },
    () => withRouteHandler(WF, 0, probe, () => call(stack.url, 'GET', PATH, { headers })),
  );
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
      expect(p).toMatchObject({ username: 'alice', workflow: WF, bam: { url: stack.cluster!.server('bam1').url } });
    }
  });

  it("the caller's own BAM credential works for BAM calls; the platform state is there", async () => {
    const r = await call(stack.url, 'GET', PATH, { token });
    expect(r.body).toEqual({ primary_url: stack.cluster!.server('bam1').url, failover_monitoring_state: 'MONITORING', configurations: ['Production', 'Lab', 'Disaster Recovery'] });
    const node = await asWorkflow(async ({ platform }) => platform.availability.getNodeState());
    expect(node.body).toMatchObject({ node_role: 'not_in_group' });
  });
});

describe('the answer the trusted side builds', () => {
  const refusedAs = (r: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ code, message: DEFAULT, status, correlation_id: expect.any(String) });
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(r.headers.get('content-type')).toBe('application/json');
  };

  it('every answer carries nosniff, a sandbox CSP and no-store', async () => {
    const r = await call(stack.url, 'GET', PATH, { token });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/); // the local server adds frame-ancestors
    expect(r.headers.get('cache-control')).toBe('no-store');
    const unauthenticated = await call(stack.url, 'GET', PATH);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
  });

  it('a JSON string holding script is served as JSON, re-serialised by the gateway', async () => {
    const r = await asWorkflow(async () => '<script>alert(1)</script>');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body).toBe('<script>alert(1)</script>');
  });

  it('HTML, a cookie, a header of its own or a 5xx status is refused: 502 with the default message, nothing of it passed on', async () => {
    const html = await asWorkflow(async () => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<script>steal()</script>' }));
    refusedAs(html, 502, 'WorkflowAnswerRefused');
    expect(JSON.stringify(html.body)).not.toContain('steal');
    refusedAs(await asWorkflow(async () => ({ statusCode: 200, headers: { 'content-type': 'application/json', 'set-cookie': 'gateway_session=x' }, body: '{}' })), 502, 'WorkflowAnswerRefused');
    refusedAs(await asWorkflow(async () => ({ statusCode: 200, headers: { 'content-type': 'application/json', 'service-worker-allowed': '/' }, body: '{}' })), 502, 'WorkflowAnswerRefused');
    refusedAs(await asWorkflow(async () => answer(503, { code: 503, status: 'FailoverProcessing' })), 502, 'WorkflowAnswerRefused');
    refusedAs(await asWorkflow(async () => answer(401, {})), 502, 'WorkflowAnswerRefused');
    refusedAs(await asWorkflow(async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: 'not json' })), 502, 'WorkflowAnswerRefused');
  });

  it('a huge body is refused; a value that is not JSON is a 500; a hung workflow a 504', async () => {
    refusedAs(await asWorkflow(async () => ({ big: 'x'.repeat(1_100_000) })), 502, 'WorkflowAnswerRefused');
    refusedAs(await asWorkflow(async () => undefined), 500, 'InternalError');
    refusedAs(await asWorkflow(async () => ({ n: 10n })), 500, 'InternalError');
    refusedAs(await asWorkflow(() => new Promise(() => {})), 504, 'WorkflowTimedOut');
  });

  it('a runner answering outside the protocol is refused', async () => {
    const r = await withRunner(
      WF,
      async () => ({ ok: true, result: { statusCode: 200, cookies: ['a=b'] } }),
      () => call(stack.url, 'GET', PATH, { token }),
    );
    refusedAs(r, 502, 'WorkflowAnswerRefused');
    const thrown = await withRunner(
      WF,
      async () => {
        throw new Error('secret internals');
      },
      () => call(stack.url, 'GET', PATH, { token }),
    );
    refusedAs(thrown, 500, 'InternalError');
    expect(JSON.stringify(thrown.body)).not.toContain('secret internals');
  });

  it('what a workflow may answer passes: 201, 204 without a body, a CSV attachment, Retry-After on a 429', async () => {
    expect((await asWorkflow(async () => answer(201, { id: 1 }))).status).toBe(201);
    const none = await asWorkflow(async () => noContent());
    expect(none.status).toBe(204);
    const csv = await asWorkflow(async () => attachment('text/csv', 'report <1>.csv', 'a,b\n1,2\n'));
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="report__1_.csv"');
    expect(csv.body).toBe('a,b\n1,2\n');
    const busy = await asWorkflow(async () => answer(429, { code: 'Busy' }, { 'retry-after': '7' }));
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('7');
  });

  it("a workflow's own errors still map as before (a thrown 400 keeps its code; a crash is the default 500)", async () => {
    const bad = await asWorkflow(async () => {
      throw badRequest('No such thing here.', [{ field: 'x' }]);
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: 'BadRequest', message: 'No such thing here.', status: 400, details: [{ field: 'x' }] });
    const crash = await asWorkflow(async () => {
      throw new Error('secret internals');
    });
    refusedAs(crash, 500, 'InternalError');
    expect(JSON.stringify(crash.body)).not.toContain('secret internals');
  });
});
