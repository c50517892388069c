import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { HttpEvent, HttpResult } from '../commons/http.js';
import { httpErrors } from '../middleware/http-errors.js';
import { csrfGuard } from '../middleware/csrf.js';
import { loadSecrets } from '../adapters/secrets.js';
import type { AuthContext } from '../middleware/authenticate.js';

/** The middleware every HTTP handler shares: secrets loaded, lower-cased headers, JSON errors, cross-site cookie requests refused. */
export function httpHandler(opts: { defaultMessage?: string } = {}) {
  return middy<HttpEvent, HttpResult, Error, AuthContext>()
    .use(httpHeaderNormalizer())
    .use(httpErrors(opts))
    .before(loadSecrets)
    .use(csrfGuard());
}
