import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UI_ASSETS_PREFIX, isUiPage } from '../ui/src/page-paths.js';
import { UI_SECURITY_HEADERS } from '../ui/src/security-headers.js';

/** Where `npm run build:ui` puts the web UI (ui/dist); UI_DIST_DIR overrides it. */
export const uiDistDir = () => process.env.UI_DIST_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'ui', 'dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export interface StaticAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The web UI on the API's own origin, as CloudFront serves it from S3 in AWS: each page path
 * answers index.html (the app routes on the client), `/assets/<file>` the built file (hashed
 * names: cached for good). Undefined for every other path: the API answers it.
 */
export async function serveUi(method: string, pathname: string): Promise<StaticAnswer | undefined> {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const page = isUiPage(pathname);
  const asset = pathname.startsWith(UI_ASSETS_PREFIX) ? pathname.slice(UI_ASSETS_PREFIX.length) : undefined;
  if (!page && asset === undefined) return undefined;
  if (asset !== undefined && !ASSET_NAME.test(asset)) return notFound();
  const file = page ? path.join(uiDistDir(), 'index.html') : path.join(uiDistDir(), 'assets', asset!);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    if (!page) return notFound();
    const text = JSON.stringify({ code: 'UiNotBuilt', message: 'The web UI is not built: run npm run build:ui (npm start builds it).', status: 503 });
    return { status: 503, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: Buffer.from(text) };
  }
  return {
    status: 200,
    headers: {
      ...UI_SECURITY_HEADERS,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': page ? 'no-cache' : 'public, max-age=31536000, immutable',
    },
    body,
  };
}

const notFound = (): StaticAnswer => ({ status: 404, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ code: 'NotFound', message: 'No such file.', status: 404 })) });
