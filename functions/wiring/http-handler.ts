import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { HttpEvent, HttpResult } from '../kernel/http.js';
import { httpErrors } from '../kernel/http-errors.js';
import { csrfGuard } from '../sessions/csrf.js';
import { originVerify } from '../kernel/origin-verify.js';
import { loadOriginVerifySecret, loadSecrets } from '../adapters/secrets.js';
import type { AuthContext } from '../sessions/authenticate.js';

/**
 * The middleware every HTTP handler shares: lower-cased headers, JSON errors, requests that went
 * around the CloudFront edge refused (first: nothing else runs for them), secrets loaded,
 * cross-site cookie requests refused.
 */
export function httpHandler(opts: { defaultMessage?: string } = {}) {
  return middy<HttpEvent, HttpResult, Error, AuthContext>().use(httpHeaderNormalizer()).use(httpErrors(opts)).use(originVerify(loadOriginVerifySecret)).before(loadSecrets).use(csrfGuard());
}
