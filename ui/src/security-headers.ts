/**
 * The web UI's security headers (docs/web-ui.md, docs/security.md), one definition for the local runtime and the
 * CloudFront response headers policy. No inline script or style anywhere: the build emits none.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  // No service worker may ever be registered on this origin: one could take over /login.
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The API reference (/docs) only: Swagger UI draws its icons as inline `data:` SVG images, which
 * cannot run script. Everything else as strict as the UI's.
 */
export const DOCS_CSP = UI_CSP.replace("img-src 'self'", "img-src 'self' data:");

export const UI_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export const DOCS_SECURITY_HEADERS: Record<string, string> = { ...UI_SECURITY_HEADERS, 'content-security-policy': DOCS_CSP };
