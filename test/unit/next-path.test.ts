import { describe, expect, it } from 'vitest';
import { safeNext } from '../../ui/src/next-path.js';

/** The login page's `next` (docs/web-ui.md): only this UI's own pages, never another site. */
describe('safeNext', () => {
  it.each([
    ['/workflows', '/workflows'],
    ['/events?type=NODE_ROLE_CHANGED', '/events?type=NODE_ROLE_CHANGED'],
    ['/maintenance', '/maintenance'],
  ])('keeps the page %s', (raw, page) => expect(safeNext(raw)).toBe(page));

  it.each([
    null,
    '',
    'https://evil.example/',
    '//evil.example/dashboard',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/login?next=/workflows',
    '/',
    '/rest_logout',
    '/failover_rest_endpoints/get_configurations',
    '/%2F%2Fevil.example',
    '/workflows\nx',
  ])('sends %j to the dashboard instead', (raw) => expect(safeNext(raw)).toBe('/dashboard'));
});
