import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call, login } from '../support/client.js';
import { launch, logIn, screenshot, watchedPage } from './browser.js';

/** An admin gives an automation account its own session lifetime on the Permissions page. */
let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startLocalStack(), launch()]);
});
afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

describe('session lifetime on the Permissions page', () => {
  it('shows the default, then no absolute lifetime, then 7 days; the admin API agrees', async () => {
    context = await browser.newContext({ baseURL: stack.url });
    const { page } = await watchedPage(context);
    await page.goto('/permissions');
    await page.waitForURL(/\/login\?/);
    await logIn(page, 'gateway-svc', 'gateway-svc-pass');
    await page.waitForURL((u) => u.pathname === '/permissions');
    await page.getByLabel('User name').fill('externaldns');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByTestId('session-lifetime').textContent()).toBe('At most 12 h (the default).');

    await page.getByLabel('Lifetime', { exact: true }).click();
    await page.getByRole('option', { name: 'No absolute lifetime' }).click();
    await page.getByRole('button', { name: 'Save lifetime' }).click();
    await expect.poll(() => page.getByTestId('session-lifetime').textContent()).toMatch(/^At most no absolute lifetime/);
    const admin = await login(stack.url, 'gateway-svc', 'gateway-svc-pass');
    expect((await call(stack.url, 'GET', '/admin/users/externaldns/session-lifetime', { token: admin })).body.session_max_lifetime_seconds).toBeNull();

    await page.getByLabel('Lifetime', { exact: true }).click();
    await page.getByRole('option', { name: 'Hours of its own' }).click();
    await page.getByLabel('Hours', { exact: true }).fill('168');
    await page.getByRole('button', { name: 'Save lifetime' }).click();
    await expect.poll(() => page.getByTestId('session-lifetime').textContent()).toBe('At most 7 days.');
    expect((await call(stack.url, 'GET', '/admin/users/externaldns/session-lifetime', { token: admin })).body.session_max_lifetime_seconds).toBe(604_800);
    await screenshot(page, '09-session-lifetime');
  });
});
