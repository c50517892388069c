import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { json, type HttpResult } from '../../kernel/http.js';
import type { Route, Routes } from '../../kernel/http-route.js';
import { DOCS_SECURITY_HEADERS, UI_SECURITY_HEADERS } from '../../../ui/src/security-headers.js';

/**
 * GET /openapi.json, and the API reference page at /docs: Swagger UI (swagger-ui-dist), served
 * from this function, never a CDN. The page runs under the web UI's strict CSP, but for `data:`
 * images (Swagger UI's icons; DOCS_CSP, which CloudFront puts on /docs answers in AWS): no inline
 * script or style, every file from this origin; the start-up script is /docs/init.js.
 */

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Failover Gateway API</title>
<link rel="icon" type="image/svg+xml" href="/docs/favicon.svg">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, withCredentials: true });\n`;

/** Files of swagger-ui-dist the page loads, with their types. */
const ASSETS: Record<string, string> = { 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8', 'swagger-ui.css': 'text/css; charset=utf-8' };

/**
 * Where swagger-ui-dist's files are: in Lambda, copied beside the bundle at build time
 * (lib/gateway-function.ts); locally, the package in node_modules.
 */
function assetDir(taskRoot: string | undefined): string {
  if (taskRoot) return path.join(taskRoot, 'swagger-ui');
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

const security = DOCS_SECURITY_HEADERS;

/** The web UI's icon (ui/src/favicon.svg), so the page asks for no /favicon.ico. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>Failover Gateway</title><rect width="32" height="32" rx="6" fill="#0f62fe"/><path d="M9 8h14v4H13v3h8v4h-8v5H9z" fill="#fff"/></svg>';
const cached = new Map<string, string>();
let localDocument: (() => string) | undefined;

/** Local mode: the runtime hands over the document it built (functions/wiring/openapi-document.ts). */
export function serveOpenApiDocument(build: () => string): void {
  localDocument = build;
  cached.delete('openapi.json');
}

/** In Lambda, openapi.json was written beside the bundle by the CDK app. */
async function openApiJson(taskRoot: string | undefined): Promise<string> {
  let doc = cached.get('openapi.json');
  if (doc === undefined) {
    doc = localDocument ? localDocument() : await readFile(path.join(taskRoot ?? '.', 'openapi.json'), 'utf8');
    cached.set('openapi.json', doc);
  }
  return doc;
}

const text = (type: string, body: string, cacheControl = 'public, max-age=300'): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': type, 'cache-control': cacheControl, ...security },
  body,
});

/** The document and the reference page (public). `taskRoot`: the Lambda bundle's folder, where the CDK app put the files (undefined locally). */
export function docsRoutes(taskRoot: () => string | undefined): Routes {
  const route: Route = { auth: 'public', handle: (event) => serve(event.rawPath, taskRoot()) };
  return { 'GET /openapi.json': route, 'GET /docs': route, 'GET /docs/{proxy+}': route };
}

async function serve(rawPath: string, taskRoot: string | undefined): Promise<HttpResult> {
  const p = rawPath.replace(/\/+$/, '');
  if (p === '/openapi.json') return { statusCode: 200, body: await openApiJson(taskRoot), headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', ...UI_SECURITY_HEADERS } };
  if (p === '/docs') return text('text/html; charset=utf-8', PAGE, 'no-cache');
  const name = p.slice('/docs/'.length);
  if (name === 'init.js') return text('text/javascript; charset=utf-8', INIT);
  if (name === 'favicon.svg') return text('image/svg+xml', FAVICON);
  const type = ASSETS[name];
  if (!type) return json(404, { code: 'NotFound', message: `No file ${p}.`, status: 404 });
  let body = cached.get(name);
  if (body === undefined) {
    body = await readFile(path.join(assetDir(taskRoot), name), 'utf8');
    cached.set(name, body);
  }
  return text(type, body);
}
