import { HOME, isUiPage } from './page-paths.js';

/**
 * The page `next` may send a user to after logging in (docs/web-ui.md): only one of this UI's own pages,
 * on this origin, with its query string. Anything else (another site, `//host`, `\\host`, a scheme,
 * an API path, the login page itself) goes to the dashboard: no open redirect.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || /[\u0000-\u001f\\]/.test(raw)) return HOME;
  let url: URL;
  try {
    url = new URL(raw, 'http://same.invalid');
  } catch {
    return HOME;
  }
  if (url.origin !== 'http://same.invalid' || !isUiPage(url.pathname) || url.pathname === '/login' || url.pathname === '/') return HOME;
  return `${url.pathname}${url.search}`;
}
