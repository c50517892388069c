import { afterEach, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { httpChain } from '../../functions/wiring/http-api.js';
import { originVerify } from '../../functions/kernel/origin-verify.js';
import { clientAddress, type VerifiedEvent } from '../../functions/kernel/client-address.js';
import { json, type HttpEvent, type HttpResult } from '../../functions/kernel/http.js';
import middy from '@middy/core';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The origin-verify middleware with a held secret (the loader is replaced by a function answering
 * it, or Secrets Manager mocked for the shared HTTP chain): requests without CloudFront's header value are refused before the handler runs.
 */
const SECRET = 'origin-secret-0123456789abcdef';
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:origin';

function handlerSeeing(seen: VerifiedEvent[]) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(originVerify({ secretArn: process.env.ORIGIN_VERIFY_SECRET_ARN, localMode: process.env.LOCAL_MODE === 'true', loadSecret: async () => SECRET }))
    .handler(async (event) => {
      seen.push(event);
      return json(200, { from: clientAddress(event), headers: event.headers });
    });
}

const request = (headers: Record<string, string>): HttpEvent =>
  ({ version: '2.0', rawPath: '/rest_login', headers, requestContext: { http: { method: 'POST', path: '/rest_login', sourceIp: '130.176.9.9' } } }) as unknown as HttpEvent;
const ctx = { awsRequestId: 'test' } as Context;
mockClient(SecretsManagerClient).on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: SECRET });

afterEach(() => {
  delete process.env.ORIGIN_VERIFY_SECRET_ARN;
  process.env.LOCAL_MODE = 'true';
});

describe('requests that went around the CloudFront edge', () => {
  it('a request with the right header runs, as the viewer CloudFront reported, and the handler never sees the secret', async () => {
    Object.assign(process.env, { ORIGIN_VERIFY_SECRET_ARN: ARN, LOCAL_MODE: 'false' });
    const seen: VerifiedEvent[] = [];
    const res = await handlerSeeing(seen)(request({ 'x-origin-verify': SECRET, 'true-client-ip': '203.0.113.9' }), ctx);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!).from).toBe('203.0.113.9');
    expect(res.body).not.toContain(SECRET);
  });

  it.each([
    ['missing', {}],
    ['wrong', { 'x-origin-verify': 'guess' }],
    ['a prefix of the right one', { 'x-origin-verify': SECRET.slice(0, -1) }],
  ])('a request with the header %s is a 403 DirectAccessRefused in the JSON envelope; the handler does not run', async (_what, headers) => {
    Object.assign(process.env, { ORIGIN_VERIFY_SECRET_ARN: ARN, LOCAL_MODE: 'false' });
    let ran = false;
    const handler = httpChain().handler(async () => {
      ran = true;
      return json(200, {});
    });
    const res = (await handler(request({ ...headers, 'true-client-ip': '203.0.113.9' }), ctx)) as HttpResult;
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body!)).toMatchObject({ code: 'DirectAccessRefused', status: 403 });
    expect(ran).toBe(false);
  });

  it('does nothing without an edge (no ORIGIN_VERIFY_SECRET_ARN), nor in local mode; the viewer header is then ignored', async () => {
    for (const env of [{ LOCAL_MODE: 'false' }, { LOCAL_MODE: 'true', ORIGIN_VERIFY_SECRET_ARN: ARN }]) {
      Object.assign(process.env, env);
      const seen: VerifiedEvent[] = [];
      const res = await handlerSeeing(seen)(request({ 'true-client-ip': '203.0.113.9' }), ctx);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body!).from).toBe('130.176.9.9');
      delete process.env.ORIGIN_VERIFY_SECRET_ARN;
    }
  });
});
