import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi } from '../../local/ui-static.js';

/** The local runtime's static UI (what CloudFront serves from S3 in AWS), on a fake build. */
const dir = mkdtempSync(path.join(tmpdir(), 'ui-dist-'));
const saved = process.env.UI_DIST_DIR;
beforeAll(() => {
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'not an asset');
  process.env.UI_DIST_DIR = dir;
});
afterAll(() => {
  if (saved === undefined) delete process.env.UI_DIST_DIR;
  else process.env.UI_DIST_DIR = saved;
});

describe('serveUi', () => {
  it.each(['/', '/login', '/dashboard', '/maintenance'])('answers index.html at %s with the strict CSP, never cached stale', async (p) => {
    const r = await serveUi('GET', p);
    expect(r).toMatchObject({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' } });
    expect(r!.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; worker-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  });

  it('answers a built asset, cached for good (hashed names)', async () => {
    const r = await serveUi('GET', '/assets/app.js');
    expect(r).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' } });
    expect(r!.body.toString()).toBe('console.log(1)');
  });

  it.each(['/assets/../secret.txt', '/assets/..%2Fsecret.txt', '/assets/', '/assets/sub/app.js', '/assets/missing.js'])('refuses %s with a JSON 404', async (p) => {
    const r = await serveUi('GET', p);
    expect(r?.status).toBe(404);
    expect(JSON.parse(r!.body.toString())).toMatchObject({ code: 'NotFound' });
  });

  it('leaves API paths and other methods to the API', async () => {
    expect(await serveUi('GET', '/rest_login')).toBeUndefined();
    expect(await serveUi('GET', '/ui/api/session')).toBeUndefined();
    expect(await serveUi('POST', '/login')).toBeUndefined();
    expect(await serveUi('GET', '/unknown')).toBeUndefined();
  });

  it('says how to build the UI when it is not built', async () => {
    process.env.UI_DIST_DIR = path.join(dir, 'nothing');
    const r = await serveUi('GET', '/dashboard');
    process.env.UI_DIST_DIR = dir;
    expect(r?.status).toBe(503);
    expect(JSON.parse(r!.body.toString())).toMatchObject({ code: 'UiNotBuilt', message: expect.stringMatching(/npm run build:ui/) });
  });
});
