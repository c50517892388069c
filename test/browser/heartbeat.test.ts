import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Request } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { launch, logIn, watchedPage } from './browser.js';

/**
 * The page's own calls (heartbeat, live views) do not count as the user's activity for the
 * session's idle timeout: past a few seconds after the user's last click, tap or key, the UI sends
 * them with `x-gateway-heartbeat` (docs/web-ui.md). The page's one poller, GET /ui/api/dashboard, is its heartbeat.
 */
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startLocalStack(), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the web UI's heartbeat", () => {
  it('is sent with x-gateway-heartbeat once nobody has used the page for a few seconds; a click makes the next calls count again', async () => {
    const context = await browser.newContext({ baseURL: stack.url });
    const { page, problems } = await watchedPage(context);
    const seen: { at: number; path: string; heartbeat: boolean }[] = [];
    page.on('request', (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/ui/api/') || url.pathname === '/failover_monitoring/status')
        seen.push({ at: Date.now(), path: url.pathname, heartbeat: r.headers()['x-gateway-heartbeat'] === '1' });
    });
    await page.goto('/dashboard');
    await page.waitForURL(/\/login\?/);
    await logIn(page, 'alice', 'alice-pass');
    await page.waitForURL(/\/dashboard$/);
    const idleFrom = Date.now();
    await expect.poll(() => seen.some((s) => s.at > idleFrom + 6000 && s.path === '/ui/api/dashboard'), { timeout: 20_000 }).toBe(true);
    const idle = seen.filter((s) => s.at > idleFrom + 6000);
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.filter((s) => !s.heartbeat)).toEqual([]);
    // The user acts: a click on the page's navigation; the calls right after it count as use.
    const clicked = Date.now();
    await page.getByRole('link', { name: 'Events' }).first().click();
    await expect.poll(() => seen.some((s) => s.at > clicked && !s.heartbeat)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
