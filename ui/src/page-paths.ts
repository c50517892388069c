/**
 * The web UI's pages. Shared by the app, the local runtime (serves index.html at these paths) and
 * the CDK edge (sends them to the assets bucket): one list, so they never disagree. Plain
 * TypeScript, no DOM.
 */
export const UI_PAGES = ['/', '/login', '/dashboard', '/events', '/maintenance', '/workflows', '/permissions', '/account'] as const;
export type UiPage = (typeof UI_PAGES)[number];

/** Where the built assets live below the site root (Vite's default). */
export const UI_ASSETS_PREFIX = '/assets/';

export function isUiPage(path: string): path is UiPage {
  return (UI_PAGES as readonly string[]).includes(path);
}

/** The page a signed-in user lands on. */
export const HOME: UiPage = '/dashboard';
