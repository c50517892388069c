import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import * as z from 'zod/mini';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';
import * as s from '../../functions/openapi/schemas.js';
import { DOCS_CSP, UI_CSP } from '../../ui/src/security-headers.js';

/** The document and the reference page as a user fetches them from `npm start`. */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ env: { BAM_API_VERSION: '2' } });
});
afterAll(async () => {
  await stack?.close();
});

const conforms = (schema: z.ZodMiniType, value: unknown) => {
  const r = z.safeParse(schema, value);
  return r.success ? 'ok' : JSON.stringify(r.error.issues);
};

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document naming the local session cookie, without a session', async () => {
    const r = await call(stack.url, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect((await new Validator().validate(r.body)).valid).toBe(true);
    expect(r.body.components.securitySchemes.sessionCookie.name).toBe('gateway_session');
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining([
        '/rest_login',
        '/failover_monitoring/status',
        '/failover_rest_endpoints/get_configurations',
        '/admin/permissions',
        '/airlock/rest/session/create',
        '/ag/api/v1/failover',
      ]),
    );
  });

  it('node b serves it too', async () => {
    expect((await call(stack.nodes.get('b')?.url ?? stack.url, 'GET', '/openapi.json')).status).toBe(200);
  });

  it('real answers match the documented schemas', async () => {
    const token = await login(stack.url, 'gateway-svc', 'gateway-svc-pass');
    expect(conforms(s.MonitorStatus, (await call(stack.url, 'GET', '/failover_monitoring/status', { token })).body)).toBe('ok');
    expect(conforms(s.Permissions, (await call(stack.url, 'GET', '/admin/permissions', { token })).body)).toBe('ok');
    expect(conforms(s.Sessions, (await call(stack.url, 'GET', '/admin/users/gateway-svc/sessions', { token })).body)).toBe('ok');
    expect(conforms(s.ErrorEnvelope, (await call(stack.url, 'GET', '/failover_monitoring/status')).body)).toBe('ok');
    expect(conforms(s.LoginAnswer, (await call(stack.url, 'POST', '/rest_login', { json: { username: 'alice', password: 'alice-pass' } })).body)).toBe('ok');
  });
});

describe('GET /docs', () => {
  it('is an HTML page under a strict CSP, with no inline script, whose files are all served from here', async () => {
    const page = await fetch(`${stack.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // The web UI's policy but for data: images (Swagger UI's icons), as CloudFront sets it on /docs in AWS.
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toBe(DOCS_CSP);
    expect(csp).toContain("img-src 'self' data:;");
    expect(UI_CSP).not.toContain('data:');
    expect((await fetch(`${stack.url}/openapi.json`)).headers.get('content-security-policy')).toBe(UI_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/docs\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style|style="|https?:\/\//);
    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(files).toEqual(['/docs/favicon.svg', '/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/init.js']);
    for (const f of files) {
      const r = await fetch(`${stack.url}${f}`);
      expect(r.status, f).toBe(200);
      expect(r.headers.get('content-type'), f).toMatch(f.endsWith('.css') ? /text\/css/ : f.endsWith('.svg') ? /image\/svg\+xml/ : /text\/javascript/);
      expect((await r.text()).length, f).toBeGreaterThan(20);
    }
    // The UI's own icon, so the browser asks for no /favicon.ico (a 404).
    expect(await (await fetch(`${stack.url}/docs/favicon.svg`)).text()).toBe(readFileSync(new URL('../../ui/src/favicon.svg', import.meta.url), 'utf8').trim());
    expect((await fetch(`${stack.url}/docs/../package.json`)).status).not.toBe(200);
    expect((await fetch(`${stack.url}/docs/index.html`)).status).toBe(404);
  });

  // A real browser, where one is installed (CI installs Debian's Chromium for the UI's tests).
  it.skipIf(!existsSync('/usr/bin/chromium'))('renders the reference in a headless browser, CSP and all', async () => {
    const dom = await new Promise<string>((resolve, reject) =>
      execFile(
        '/usr/bin/chromium',
        ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=15000', '--dump-dom', `${stack.url}/docs`],
        { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    expect(dom).toContain('Failover Gateway');
    expect(dom).toContain('/rest_login');
  });
});
