import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call } from '../support/client.js';
import { launch, logIn, screenshot, sessionOf, watchedPage, type Watched } from './browser.js';

/**
 * The web UI in headless Chromium against the local runtime (two gateway nodes, simulated BAM):
 * what a person sees, reference/000's failover behaviour included. Steps run in order on one
 * stack; the BAM failover comes last because it changes the Primary.
 */
let stack: LocalStack;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watched: Watched[] = [];

async function open(path: string, allow: RegExp[] = []): Promise<Watched> {
  const context = await browser.newContext({ baseURL: base });
  contexts.push(context);
  const w = await watchedPage(context, allow);
  watched.push(w);
  await w.page.goto(path);
  return w;
}

/** Opens `path` signed in as `user`: the app sends the visitor to the login page, which returns to `path`. */
async function signedIn(path: string, user: string, password: string, alias?: string): Promise<Watched> {
  const w = await open(path);
  await w.page.waitForURL(/\/login\?/);
  await logIn(w.page, user, password, alias);
  await w.page.waitForURL((u) => u.pathname === path);
  return w;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startLocalStack({ nodes: 2 }), launch()]);
  base = stack.url;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

describe('the web UI', () => {
  it('serves the UI at / with a strict CSP and no inline script', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'; style-src 'self'/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await r.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // every script is an external file
    expect(html).not.toMatch(/<style|\sstyle=/);
  });

  it('logs in through BAM Selection and shows bam1 as Primary on the dashboard', async () => {
    const { page } = await open('/dashboard');
    await page.waitForURL(/\/login\?next=%2Fdashboard/);
    await page.getByLabel('BAM Selection').click();
    await expect.poll(() => page.getByRole('option').allTextContents()).toEqual(['primary-address-manager', 'bam1', 'bam2']);
    await page.keyboard.press('Escape');
    await screenshot(page, '01-login');
    await logIn(page, 'gateway-svc', 'gateway-svc-pass', 'primary-address-manager');
    await page.waitForURL(/\/dashboard$/);
    const bam1 = page.locator('tr[data-server="bam1"]');
    await expect.poll(() => bam1.textContent()).toContain('PRIMARY');
    await expect.poll(() => page.getByTestId('monitoring-state').textContent()).toBe('MONITORING');
    await expect.poll(() => page.getByTestId('primary').textContent()).toContain('bam1');
    await expect.poll(() => page.locator('tr[data-node]').count()).toBe(2);

    // First dashboard render on the local runtime, measured (printed, not asserted).
    await page.goto('/dashboard');
    await page.locator('tr[data-server="bam1"]').waitFor();
    const ms = await page.evaluate(async () => {
      for (let i = 0; i < 100 && performance.getEntriesByName('dashboard-data-rendered').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return performance.getEntriesByName('dashboard-data-rendered')[0]?.startTime ?? NaN;
    });
    console.log(`first dashboard render (navigation start → data shown): ${Math.round(ms)} ms`);
    await screenshot(page, '02-dashboard');
  });
});

afterAll(() => {
  for (const w of watched) expect(w.problems, `console errors / CSP violations on ${w.page.url()}`).toEqual([]);
});
