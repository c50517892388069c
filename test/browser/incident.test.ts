import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call } from '../support/client.js';
import { axeViolations, describeViolations } from './axe.js';
import { launch, logIn, SCREENSHOTS, screenshot, watchedPage, type Watched } from './browser.js';

/**
 * An operator through an incident, in headless Chromium against a two-node local runtime (issue
 * 25): a drain with its progress, a gateway node down, a BAM failover watched from the dashboard
 * (the page stays, the headline and the banner change, the timeline marks it afterwards), and a
 * split brain (a red alert on every page). axe-core checks every page at phone, laptop and wide
 * widths, healthy and in the failover and split-brain states. Steps run in order on one stack.
 */
const PAGES = ['/dashboard', '/events', '/workflows', '/maintenance', '/permissions', '/account'];
const WIDTHS = [390, 1280, 1920];
/** DOCS_SCREENSHOTS=1: the dashboard's pictures also go to docs/screenshots (committed). */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

let stack: LocalStack;
let base: string;
let browser: Browser;
let operator: Watched;
let page: Page;

async function docsShot(name: string): Promise<void> {
  await page.waitForTimeout(400); // buttons just clicked end their colour transition
  await screenshot(page, name);
  if (process.env.DOCS_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS, { recursive: true });
  copyFileSync(path.join(SCREENSHOTS, `${name}.png`), path.join(DOCS, `${name}.png`));
}

/** What a person would wait for after opening `p`: its data on screen. */
async function show(p: string): Promise<void> {
  await page.goto(p);
  await page.getByTestId('headline').waitFor();
  if (p === '/dashboard') await page.locator('[data-testid="timeline"] svg').waitFor();
  if (p === '/events') await page.locator('tr[data-type]').first().waitFor();
  if (p === '/workflows') await page.locator('[data-workflow]').first().waitFor();
}

/** Every page at every width: axe-core's violations, and any page that scrolls sideways (it must not). */
async function scanAll(state: string, check?: () => Promise<void>): Promise<string[]> {
  const found: string[] = [];
  for (const p of PAGES) {
    await show(p);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await check?.();
      found.push(...describeViolations(`${state}, ${width} px, ${p}`, await axeViolations(page)));
      const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
      if (scrollWidth > width) found.push(`${state}, ${width} px, ${p}: the page is ${scrollWidth} px wide`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return found;
}

const level = () => page.getByTestId('headline').getAttribute('data-level');

beforeAll(async () => {
  [stack, browser] = await Promise.all([startLocalStack({ nodes: 2 }), launch()]);
  base = stack.url;
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  operator = await watchedPage(context);
  page = operator.page;
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  expect(operator?.problems ?? [], 'console errors / CSP violations').toEqual([]);
});

describe('an operator through an incident', () => {
  it('signs in; no page has an accessibility violation at 390, 1280 or 1920 px, nor scrolls sideways', async () => {
    await page.goto('/dashboard');
    await page.waitForURL(/\/login\?/);
    const loginFound: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      loginFound.push(...describeViolations(`login, ${width} px`, await axeViolations(page)));
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await logIn(page, 'gateway-svc', 'gateway-svc-pass');
    await page.waitForURL(/\/dashboard$/);
    await expect.poll(level).toBe('healthy');
    expect([...loginFound, ...(await scanAll('healthy'))]).toEqual([]);
  });

  it('at phone width the navigation folds behind the menu button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await show('/dashboard');
    const menu = page.getByRole('button', { name: 'Open the menu' });
    expect(await page.getByRole('link', { name: 'Events' }).count()).toBe(0);
    await menu.click();
    await page.getByRole('link', { name: 'Events' }).click();
    await page.waitForURL(/\/events$/);
    expect(await page.getByRole('link', { name: 'Events' }).count()).toBe(0); // closed again after following a link
    await show('/dashboard');
    await docsShot('dashboard-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('drains a server and follows its sessions down to zero', async () => {
    // A Standby serves no API, so in a two-server cluster it never holds a session: the counts the
    // page reads for bam2 are set here (3, then 2, then 0), the drain itself is real.
    let bam2Sessions: number | null = null;
    await page.route('**/ui/api/dashboard*', async (route) => {
      const r = await route.fetch();
      if (r.status() !== 200 || bam2Sessions === null) return route.fulfill({ response: r });
      const body = await r.json();
      const servers = body.status.servers.map((s: { name: string }) => (s.name === 'bam2' ? { ...s, sessions: bam2Sessions } : s));
      await route.fulfill({ response: r, json: { ...body, status: { ...body.status, servers } } });
    });
    await show('/maintenance');
    bam2Sessions = 3;
    await page.getByRole('button', { name: 'Drain bam2' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.textContent()).toMatch(/bam2 takes no new sessions; its \d+ open sessions? keeps? working/);
    await dialog.getByRole('button', { name: 'Drain' }).click();
    const mode = page.getByTestId('mode-bam2');
    await expect.poll(() => mode.getAttribute('data-mode')).toBe('NO_NEW_SESSIONS');
    await expect.poll(() => mode.textContent()).toMatch(/Draining.*3 of 3 sessions left/);
    bam2Sessions = 2;
    await expect.poll(() => mode.textContent()).toMatch(/Draining.*2 of 3 sessions left/);
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    await screenshot(page, 'incident-01-draining');
    bam2Sessions = 0;
    await expect.poll(() => mode.textContent()).toMatch(/Drained.*No sessions left: safe to disable/);
    await page.unroute('**/ui/api/dashboard*');
    await page.getByRole('button', { name: 'Enable bam2' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => mode.getAttribute('data-mode')).toBe('ENABLED');
  });

  it('sees a gateway node down, with the age of its last heartbeat, until it is back', async () => {
    await show('/dashboard');
    expect((await call(base, 'POST', '/_local/nodes/b/stop')).status).toBe(200);
    const b = page.locator('tr[data-node="b"]');
    await expect.poll(() => b.getAttribute('data-available'), { timeout: 20_000 }).toBe('false');
    expect(await b.textContent()).toMatch(/SecondaryDownno heartbeat for \d+ s/);
    await expect.poll(level).toBe('degraded');
    expect(await page.getByTestId('headline').textContent()).toMatch(/gateway node b: no heartbeat for \d+ s/);
    await screenshot(page, 'incident-02-node-down');
    expect((await call(base, 'POST', '/_local/nodes/b/start')).status).toBe(200);
    await expect.poll(() => b.getAttribute('data-available'), { timeout: 20_000 }).toBe('true');
    await expect.poll(level).toBe('healthy');
  });

  it('watches a BAM failover from the dashboard: the page stays, the headline tells what is known and what to do', async () => {
    await show('/dashboard');
    expect((await call(base, 'POST', '/_local/bam/bam1/stop')).status).toBe(200);
    await expect.poll(level, { timeout: 20_000 }).toBe('failover');
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const headline = (await page.getByTestId('headline').textContent()) ?? '';
    expect(headline).toMatch(/Address Manager failover in progress/);
    expect(headline).toMatch(/bam1 \(the Primary\) is unreachable since \d\d:\d\d:\d\d/);
    expect(headline).toMatch(/To end it: promote bam2 in Address Manager, or bring bam1 back/); // an admin is told what to do
    // The row tells the truth: no stale latency, what bam1 last reported, why and for how long.
    const bam1 = page.locator('tr[data-server="bam1"]');
    await expect.poll(() => bam1.getAttribute('data-health')).toBe('DOWN');
    expect(await page.getByTestId('latency-bam1').textContent()).toBe('—');
    expect(await bam1.textContent()).toMatch(/last reported Primary/);
    expect(await page.getByTestId('problem-bam1').textContent()).toMatch(/^Down for \d+ s: health check refuses connections/);
    expect(await page.getByTestId('monitoring-state').textContent()).toBe('Failover in progress');
    await page.getByRole('button', { name: 'Last 5 minutes' }).click();
    await docsShot('dashboard-failover');
    expect(await scanAll('failover', async () => expect(await level()).toBe('failover'))).toEqual([]);
  });

  it('after the new Primary is confirmed, the timeline marks the failover and says how long it lasted', async () => {
    await show('/dashboard');
    expect((await call(base, 'POST', '/_local/bam/bam2/promote')).status).toBe(200);
    await expect.poll(() => page.getByTestId('monitoring-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('MONITORING');
    await expect.poll(level).toBe('degraded'); // bam1 is still down
    expect(await page.getByTestId('primary').textContent()).toContain('bam2');
    await expect.poll(() => page.getByTestId('last-failover').textContent(), { timeout: 15_000 }).toMatch(/lasted \d+ s/);
    await expect.poll(() => page.locator('[data-testid="timeline"] [data-marker="failover"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="timeline"] [data-row="server-bam1"] [data-value="DOWN"]').count()).toBeGreaterThan(0);
    // The stack started a few minutes ago: the last 5 minutes hold all of its history.
    await page.getByRole('button', { name: 'Last 5 minutes' }).click();
    await docsShot('dashboard-after-failover');
    await page.setViewportSize({ width: 1920, height: 1000 });
    await docsShot('dashboard-1920');
    await page.setViewportSize({ width: 1280, height: 900 });
    // Events groups it into one incident with its duration.
    await show('/events');
    await expect.poll(() => page.locator('[data-incident="failover"]').first().textContent()).toMatch(/Failover, \d+ s/);
    expect(await page.locator('tr[data-severity="critical"]').first().textContent()).toMatch(/Failover started: the Primary was lost/);
    await screenshot(page, 'incident-03-events');
  });

  it('a split brain is a red alert naming both servers, on every page', async () => {
    // The old Primary comes back still claiming Primary (BAM does not reconfigure it).
    expect((await call(base, 'POST', '/_local/bam/bam1/start')).status).toBe(200);
    await show('/dashboard');
    await expect.poll(level, { timeout: 20_000 }).toBe('split-brain');
    const alert = page.getByRole('alert').filter({ hasText: 'Split brain' });
    expect(await alert.textContent()).toBe('Split brain: bam1 and bam2 both claim to be the Primary');
    expect(await page.getByTestId('headline').textContent()).toMatch(/keeps bam2.*re-add bam1 as a Standby/);
    await page.getByRole('button', { name: 'Last 5 minutes' }).click();
    await docsShot('dashboard-split-brain');
    const found = await scanAll('split brain', async () => {
      expect(await level()).toBe('split-brain');
      expect(await page.getByRole('alert').filter({ hasText: 'Split brain: bam1 and bam2' }).count()).toBe(1);
    });
    expect(found).toEqual([]);
    expect((await call(base, 'POST', '/_local/bam/bam1/readd')).status).toBe(200);
    await expect.poll(level, { timeout: 20_000 }).toBe('healthy');
    await show('/dashboard');
    await expect.poll(() => page.locator('[data-testid="timeline"] [data-marker="split-brain"]').count()).toBeGreaterThan(0);
  });
});
