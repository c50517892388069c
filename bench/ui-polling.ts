/**
 * `npm run bench:ui-polling`: what one open dashboard tab costs the gateway (the goal: at
 * most 20 requests a minute at steady state). Headless Chromium (Debian's, never a download) logs
 * in on a two-node local runtime, opens the dashboard, waits until nothing has changed for longer
 * than the page's fast-polling window, then counts every request the tab sends: at steady state,
 * while the tab is hidden, and during a BAM failover. It prints the figures; it asserts nothing.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { AFTER_CHANGE_MS } from '../ui/src/poll-schedule.js';
import { cli } from '../bin/cli-options.js';
import { BENCH_UI_POLLING } from '../bin/commands.js';

const options = cli(BENCH_UI_POLLING);
// Loaded after the options are read: --help answers at once.
const { chromium } = await import('playwright-core');
const { startLocalStack } = await import('../local/runtime.js');
const { ensureUiBuilt } = await import('../local/ui-build.js');
const seconds = options.seconds as number;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`bench:ui-polling needs Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium).`);
  process.exit(1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every request the page sends for `ms`, by method and path. */
async function count(page: Page, ms: number): Promise<{ total: number; bytes: number; byPath: Map<string, number> }> {
  const byPath = new Map<string, number>();
  let total = 0;
  let bytes = 0;
  const onRequest = (r: { method(): string; url(): string }) => {
    const u = new URL(r.url());
    const key = `${r.method()} ${u.pathname}`;
    byPath.set(key, (byPath.get(key) ?? 0) + 1);
    total++;
  };
  const onResponse = async (r: { body(): Promise<Buffer> }) => {
    bytes += (await r.body().catch(() => Buffer.alloc(0))).length;
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  await sleep(ms);
  page.off('request', onRequest);
  page.off('response', onResponse);
  return { total, bytes, byPath };
}

const perMinute = (n: number, ms: number) => (n * 60_000) / ms;
function report(what: string, c: Awaited<ReturnType<typeof count>>, ms: number): void {
  const paths = [...c.byPath.entries()].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
  console.log(`${what.padEnd(34)} ${perMinute(c.total, ms).toFixed(1).padStart(6)} requests/min  ${(perMinute(c.bytes, ms) / 1024).toFixed(1).padStart(7)} KB/min  (${paths})`);
}

await ensureUiBuilt({ log: () => undefined });
console.log('bench:ui-polling: one open dashboard tab, headless Chromium, local runtime with two nodes\n');
const stack = await startLocalStack({ nodes: 2, env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } }); // only the figures on the console
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  const page = await (await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto('/dashboard');
  await page.waitForURL(/\/login\?/);
  await page.getByLabel('Username').fill('gateway-svc');
  await page.getByLabel('Password').fill('gateway-svc-pass');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.locator('[data-testid="timeline"] svg').waitFor();
  // Steady: past the fast window that follows the last change the page saw (the nodes joining, say).
  await sleep(AFTER_CHANGE_MS + 5000);

  const steadyMs = seconds * 1000;
  const steady = await count(page, steadyMs);
  report('steady state, tab visible', steady, steadyMs);

  // Hidden: what the page sees when the user switches tabs (the override is what Chromium would report).
  await page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' }); document.dispatchEvent(new Event('visibilitychange'))`);
  await sleep(500);
  const hidden = await count(page, 30_000);
  report('tab hidden (30 s)', hidden, 30_000);
  await page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' }); document.dispatchEvent(new Event('visibilitychange'))`);

  // A failover: the page reads every 2 s until it is over, and 30 s after.
  await fetch(`${stack.url}/_local/bam/bam1/stop`, { method: 'POST' });
  await page.locator('[data-testid="headline"][data-level="failover"]').waitFor({ timeout: 30_000 });
  const failover = await count(page, 20_000);
  report('failover in progress (20 s)', failover, 20_000);
  await fetch(`${stack.url}/_local/bam/bam2/promote`, { method: 'POST' });

  const goal = perMinute(steady.total, steadyMs) <= 20 && hidden.total === 0;
  console.log(`\nbefore the single poller: 107 requests/min per open dashboard tab; goal ≤ 20 at steady state and none while hidden: ${goal ? 'met' : 'MISSED'}`);
  console.log(
    `RESULT ${JSON.stringify({ steadyPerMin: Number(perMinute(steady.total, steadyMs).toFixed(1)), hiddenRequests: hidden.total, failoverPerMin: Number(perMinute(failover.total, 20_000).toFixed(1)) })}`,
  );
} finally {
  await browser.close();
  await stack.close();
}
