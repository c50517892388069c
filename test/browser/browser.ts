import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser (docs/web-ui.md). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the tests leave a screenshot of each page for a person to look at (not committed). */
export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.screenshots');

/** Headless, no sandbox (root), nothing reaching the network; playwright gives each launch a fresh temporary profile. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Console errors that are the scenario working as designed: Chromium logs every non-2xx fetch,
 * and the UI asks /ui/api/session before anyone logs in (401) and during a failover (503).
 */
const EXPECTED_NETWORK = /^Failed to load resource: the server responded with a status of (401|503)\b/;

export interface Watched {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

/** A page whose console errors, uncaught errors and CSP violations are collected. */
export async function watchedPage(context: BrowserContext, allow: RegExp[] = []): Promise<Watched> {
  const page = await context.newPage();
  const problems: string[] = [];
  // Reported even if Chromium did not log it: any CSP violation fails the test.
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));" });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (EXPECTED_NETWORK.test(text) || allow.some((a) => a.test(text))) return;
    problems.push(text);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Logs in through the login page, choosing `alias` in BAM Selection when given. */
export async function logIn(page: Page, username: string, password: string, alias?: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  if (alias) {
    await page.getByLabel('BAM Selection').click();
    await page.getByRole('option', { name: alias, exact: true }).click();
  }
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The session the page's cookie names, as the page itself sees it. */
export function sessionOf(page: Page): Promise<{ status: number; body: { session_id?: string; username?: string } }> {
  return page.evaluate(async () => {
    const r = await fetch('/ui/api/session');
    return { status: r.status, body: (await r.json()) as { session_id?: string; username?: string } };
  });
}
