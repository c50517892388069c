import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { call } from '../support/client.js';
import { launch, logIn, screenshot, sessionOf, watchedPage, type Watched } from './browser.js';

/**
 * The web UI in headless Chromium against the local runtime (two gateway nodes, simulated BAM):
 * what a person sees, BlueCat Gateway's failover behaviour included. Steps run in order on one
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
async function signedIn(path: string, user: string, password: string, alias?: string, allow: RegExp[] = []): Promise<Watched> {
  const w = await open(path, allow);
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
    await expect.poll(() => bam1.getAttribute('data-role')).toBe('PRIMARY');
    await expect.poll(() => page.getByTestId('monitoring-state').getAttribute('data-state')).toBe('MONITORING');
    await expect.poll(() => page.getByTestId('headline').getAttribute('data-level')).toBe('healthy');
    await expect.poll(() => page.getByTestId('primary').textContent()).toContain('bam1');
    await expect.poll(() => page.locator('tr[data-node]').count()).toBe(2);
    await expect.poll(() => page.getByTestId('data-age').textContent()).toMatch(/^state recorded \d+ s ago$/);

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

describe('the dashboard at 1280 px', () => {
  it("tells the age of the monitor's state, not of the page's read, and warns when it is older than the monitor writes it", async () => {
    const { page } = await signedIn('/dashboard', 'alice', 'alice-pass');
    await expect.poll(() => page.getByTestId('data-age').getAttribute('data-stale')).toBe('false');
    // A state recorded 90 s ago, read just now: it is 90 s old.
    await page.route('**/ui/api/dashboard*', async (route) => {
      const r = await route.fetch();
      if (r.status() !== 200) return route.fulfill({ response: r });
      const body = await r.json();
      await route.fulfill({ response: r, json: { ...body, status: { ...body.status, updated_at: new Date(Date.parse(body.now) - 90_000).toISOString() } } });
    });
    await page.reload();
    await expect.poll(() => page.getByTestId('data-age').textContent()).toMatch(/^state recorded 1 min ago: older than the monitor writes it/);
    expect(await page.getByTestId('data-age').getAttribute('data-stale')).toBe('true');
    await expect.poll(() => page.getByTestId('headline').textContent()).toMatch(/Degraded.*monitor data 90 s old/);
  });

  it('keeps each role, health and mode tag on one line', async () => {
    const { page } = await signedIn('/dashboard', 'gateway-svc', 'gateway-svc-pass');
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => page.locator('tr[data-server="bam1"]').getAttribute('data-role')).toBe('PRIMARY');
    await expect.poll(() => page.locator('tr[data-node]').count()).toBe(2);
    // Each tag's text (and each host:port) as laid out: one line, inside its pill (never "PRIMA" / "RY", never spilling out).
    const lines = await page.locator('[data-testid="servers"] .Tag, [data-testid="nodes"] .Tag, [data-testid="servers"] .Token').evaluateAll((tags) =>
      tags.map((t) => {
        const range = t.ownerDocument.createRange();
        range.selectNodeContents(t.firstElementChild?.firstChild ?? t);
        const lineTops = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        const inside = range.getBoundingClientRect().right <= t.getBoundingClientRect().right;
        return `${t.textContent}: ${lineTops} line${inside ? '' : ', spills out'}`;
      }),
    );
    expect(lines.length).toBeGreaterThan(6);
    for (const l of lines) expect(l).toMatch(/: 1 line$/);
    await screenshot(page, '02b-dashboard-1280');
  });
});

describe('maintenance, permissions, workflows, events', () => {
  it('drains, then disables bam2 from the maintenance page, each behind a confirm dialog that says what happens', async () => {
    const { page } = await signedIn('/maintenance', 'gateway-svc', 'gateway-svc-pass');
    const bam2 = page.locator('tr[data-host="bam2"]');
    await expect.poll(() => page.getByTestId('mode-bam2').getAttribute('data-mode')).toBe('ENABLED');
    await expect.poll(() => page.getByTestId('count-bam2').textContent()).toBe('0');

    // Escape cancels, and focus goes back to the button that opened the dialog.
    await bam2.getByRole('button', { name: 'Drain bam2' }).click();
    await page.getByRole('alertdialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(0);
    await expect.poll(() => page.locator(':focus').getAttribute('aria-label')).toBe('Drain bam2');
    expect(await page.getByTestId('mode-bam2').getAttribute('data-mode')).toBe('ENABLED');

    await bam2.getByRole('button', { name: 'Drain bam2' }).click();
    const drain = page.getByRole('alertdialog');
    await expect.poll(() => drain.textContent()).toMatch(/bam2 takes no new sessions; its 0 open sessions keep working/);
    await screenshot(page, '03-maintenance-confirm');
    await drain.getByRole('button', { name: 'Drain' }).click();
    await expect.poll(() => page.getByTestId('maintenance-notice').textContent()).toBe('bam2 is now draining.');
    await expect.poll(() => page.getByTestId('mode-bam2').getAttribute('data-mode')).toBe('NO_NEW_SESSIONS');
    // The action taken stays where it was, shown as the current mode, and keeps the focus.
    await expect.poll(() => page.locator(':focus').getAttribute('aria-label')).toBe('Drain bam2 (current mode)');
    expect(await page.locator(':focus').getAttribute('aria-disabled')).toBe('true');
    await expect.poll(() => page.getByTestId('mode-bam2').textContent()).toMatch(/Drained.*No sessions left: safe to disable/);

    await bam2.getByRole('button', { name: 'Disable bam2' }).click();
    const disable = page.getByRole('alertdialog');
    await expect.poll(() => disable.textContent()).toMatch(/out of service for maintenance/);
    await disable.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => page.getByTestId('maintenance-notice').textContent()).toBe('bam2 is now disabled.');
    await expect.poll(() => page.getByTestId('mode-bam2').getAttribute('data-mode')).toBe('DISABLED');
    await expect.poll(() => bam2.textContent()).toContain('Maintenance');
    expect(await page.getByTestId('count-bam2').textContent()).toBe('0');
    await screenshot(page, '04-maintenance');

    // The Primary's dialog names the planned switchover and its target (not confirmed here).
    await page.locator('tr[data-host="bam1"]').getByRole('button', { name: 'Drain bam1' }).click();
    await expect.poll(() => page.getByRole('alertdialog').textContent()).toMatch(/no healthy enabled Standby can take over/);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();

    await bam2.getByRole('button', { name: 'Enable bam2' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => page.getByTestId('mode-bam2').getAttribute('data-mode')).toBe('ENABLED');
    await expect
      .poll(() =>
        page
          .locator('tr[data-host="bam1"]')
          .getByRole('button', { name: 'Drain bam1' })
          .click()
          .then(() => page.getByRole('alertdialog').textContent()),
      )
      .toMatch(/planned switchover to bam2/);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    // Disabling the Primary: the switchover, said once, not also "its sessions end now".
    await page.locator('tr[data-host="bam1"]').getByRole('button', { name: 'Disable bam1' }).click();
    const primaryOut = (await page.getByRole('alertdialog').textContent()) ?? '';
    expect(primaryOut).toMatch(/planned switchover to bam2.*Restorable sessions continue on bam2.*Your own session is restorable/);
    expect(primaryOut).not.toMatch(/end now/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(0);
  });

  it('a logout that fails says why readably, and the page still follows its session to the login page when it ends', async () => {
    const { page } = await signedIn('/account', 'alice', 'alice-pass', undefined, [/ERR_FAILED/]);
    await page.route('**/rest_logout', (route) => route.abort('failed'));
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.getByTestId('logout-error').textContent()).toBe('Logout failed: the gateway cannot be reached. Try again.');
    await page.unroute('**/rest_logout');
    // The session ends elsewhere (a script logs out with its token): the next heartbeat's 401 must still be seen.
    const token = (await page.context().cookies()).find((c) => c.name === 'gateway_session')?.value;
    expect((await call(base, 'POST', '/rest_logout', { token })).status).toBe(200);
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))"); // back to the tab: read at once (else within 10 s)
    await page.waitForURL(/\/login\?next=%2Faccount&reason=Unauthorized/);
    // Not the API's "Session not found or ended.": words for a person.
    await expect.poll(() => page.getByTestId('login-notice').textContent()).toBe('Your session has ended. Log in again.');
  });

  it('hides maintenance and permissions from a user without them', async () => {
    const { page } = await signedIn('/dashboard', 'alice', 'alice-pass');
    await page.getByRole('link', { name: 'Events' }).waitFor();
    expect(await page.getByRole('link', { name: 'Maintenance' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Permissions' }).count()).toBe(0);
    await expect.poll(() => page.locator('tr[data-server="bam1"]').getAttribute('data-role')).toBe('PRIMARY');
  });

  it('an admin grants a permission and the user sees the workflow, calls it and sees its JSON', async () => {
    const bob = await signedIn('/workflows', 'bob', 'bob-pass');
    await bob.page.getByText('You may use no workflow yet').waitFor();

    const admin = await signedIn('/permissions', 'gateway-svc', 'gateway-svc-pass');
    await admin.page.getByLabel('User name').fill('bob');
    await admin.page.getByRole('button', { name: 'Show' }).click();
    await admin.page.getByLabel('failover_rest_endpoints').click();
    await admin.page.getByText('Granted failover_rest_endpoints to bob.').waitFor();
    expect(await admin.page.getByLabel('failover_rest_endpoints').isChecked()).toBe(true);
    await screenshot(admin.page, '05-permissions');

    await bob.page.reload();
    await bob.page.locator('[data-workflow="failover_rest_endpoints"]').waitFor();
    await bob.page.getByRole('button', { name: 'Call GET /failover_rest_endpoints/get_configurations' }).click();
    await expect.poll(() => bob.page.getByTestId('workflow-result').textContent()).toMatch(/"configurations": \[\s*"Production"/);
    await screenshot(bob.page, '06-workflows');
  });

  it('shows the recent events, filterable by type', async () => {
    const { page } = await signedIn('/events', 'alice', 'alice-pass');
    await expect.poll(() => page.locator('tr[data-type="BACKEND_HOST_MODE_CHANGED"]').count()).toBeGreaterThanOrEqual(3);
    await page.getByLabel('Event type').click();
    await page.getByRole('option', { name: 'Configuration activations' }).click();
    await expect.poll(async () => (await page.locator('tr[data-type]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).every((t) => t === 'CONFIGURATION_ACTIVATED')).toBe(true);
    // alice holds no `maintenance`: she sees what was activated, not who did it (an operator would).
    await expect.poll(() => page.locator('tr[data-type="CONFIGURATION_ACTIVATED"]').first().textContent()).toMatch(/Maintenance configuration v\d+ activated/);
    expect(await page.locator('tr[data-type="CONFIGURATION_ACTIVATED"]').first().textContent()).not.toMatch(/gateway-svc/);
    await screenshot(page, '07-events');
  });

  it('refuses a cross-site POST that carries the session cookie (403), and the session lives on', async () => {
    const victim = await signedIn('/account', 'alice', 'alice-pass');
    const before = await sessionOf(victim.page);
    // Another site on this machine (another port of 127.0.0.1: same-site, so the Strict cookie is sent).
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
      const page = await victim.page.context().newPage();
      await page.goto(evilUrl);
      const answered = page.waitForResponse((r) => r.url() === `${base}/rest_logout`);
      await page.evaluate(async (target) => void (await fetch(target, { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' })), `${base}/rest_logout`);
      const response = await answered;
      expect(response.status()).toBe(403);
      await page.close();
    } finally {
      await new Promise<void>((r) => evil.close(() => r()));
    }
    const after = await sessionOf(victim.page);
    expect(after.status).toBe(200);
    expect(after.body.session_id).toBe(before.body.session_id);
    await screenshot(victim.page, '08-account');
  });
});

describe('the API reference', () => {
  it('/docs renders with its icons and no CSP violation, and asks for no missing favicon', async () => {
    const missing: string[] = [];
    const w = await open('/docs');
    w.page.on('response', (r) => void (r.status() === 404 && missing.push(r.url())));
    await w.page.reload();
    await w.page.getByText('/rest_login').first().waitFor();
    // Swagger UI draws icons from data: SVG (its CSS); a blocked one is a CSP violation in `problems`.
    await w.page.getByText('/rest_login').first().click();
    await w.page.locator('.opblock.is-open').first().waitFor();
    await w.page.waitForTimeout(500);
    expect(w.problems).toEqual([]);
    expect(missing).toEqual([]);
  });
});

describe('an Address Manager failover', () => {
  it('keeps both users on their page with the failover in the headline; a call that needs the Primary waits on the login page; afterwards the restorable one goes on, the other logs in again and returns', async () => {
    const svc = await signedIn('/workflows', 'gateway-svc', 'gateway-svc-pass');
    const alice = await signedIn('/workflows', 'alice', 'alice-pass');
    const svcSession = (await sessionOf(svc.page)).body.session_id;
    expect(svcSession).toBeTruthy();

    expect((await call(base, 'POST', '/_local/bam/bam1/stop')).status).toBe(200);
    // The UI's own reads come from the table: the pages stay, and the headline says what is going on.
    for (const { page } of [svc, alice]) {
      await expect.poll(() => page.getByTestId('headline').getAttribute('data-level'), { timeout: 20_000 }).toBe('failover');
      expect(new URL(page.url()).pathname).toBe('/workflows');
      expect(await page.getByTestId('headline').textContent()).toMatch(/Address Manager failover in progress.*bam1 \(the Primary\) is unreachable/);
    }
    await screenshot(svc.page, '09-failover-headline');
    // A call that needs the Primary: BlueCat Gateway's login page with the failover message, keeping the page.
    await svc.page.getByRole('button', { name: 'Call GET /failover_rest_endpoints/get_configurations' }).click();
    await svc.page.waitForURL(/\/login\?next=%2Fworkflows&reason=failover/, { timeout: 20_000 });
    await svc.page.getByTestId('failover-message').waitFor();
    expect(await svc.page.getByTestId('failover-message').textContent()).toMatch(/Address Manager failover in progress\.\s*Refresh the page or try again later/);

    expect((await call(base, 'POST', '/_local/bam/bam2/promote')).status).toBe(200);
    // The restorable user: the page's own retry brings them back once the failover is over, same session, no login.
    await svc.page.waitForURL((u) => u.pathname === '/workflows', { timeout: 20_000 });
    const restored = await sessionOf(svc.page);
    expect(restored).toMatchObject({ status: 200, body: { session_id: svcSession, username: 'gateway-svc' } });
    await svc.page.locator('[data-workflow="failover_rest_endpoints"]').waitFor();

    // The other: the failover ended her session; told why, logs in again, and is back on the page she was on.
    await alice.page.waitForURL(/\/login\?next=%2Fworkflows&reason=SessionEndedByFailover/, { timeout: 20_000 });
    await alice.page.getByTestId('login-notice').waitFor();
    expect(await alice.page.getByTestId('login-notice').textContent()).toMatch(/session ended because of an Address Manager failover/);
    await screenshot(alice.page, '10-login-session-ended');
    await logIn(alice.page, 'alice', 'alice-pass');
    await alice.page.waitForURL((u) => u.pathname === '/workflows');
    await alice.page.locator('[data-workflow="failover_rest_endpoints"]').waitFor();
  });

  it('the dashboard shows bam2 as the Primary now; an admin fails over the gateway nodes from the maintenance page', async () => {
    const { page } = await signedIn('/dashboard', 'gateway-svc', 'gateway-svc-pass');
    await expect.poll(() => page.getByTestId('primary').textContent(), { timeout: 10_000 }).toContain('bam2');
    await page.getByRole('link', { name: 'Maintenance' }).click();
    await expect.poll(() => page.getByTestId('primary-node').textContent()).toBe('a');
    await page.getByRole('button', { name: 'Fail over to the other node' }).click();
    await expect.poll(() => page.getByRole('alertdialog').textContent()).toMatch(/Node a hands the Primary role to node b/);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Fail over' }).click();
    await expect.poll(() => page.getByTestId('maintenance-notice').textContent()).toBe('Node b is now the Primary.');
    await expect.poll(() => page.getByTestId('primary-node').textContent(), { timeout: 10_000 }).toBe('b');
  });

  it('logs out from the account page', async () => {
    const { page } = await signedIn('/account', 'bob', 'bob-pass');
    expect(await page.getByTestId('account-user').textContent()).toBe('bob');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    expect((await sessionOf(page)).status).toBe(401);
  });
});

afterAll(() => {
  for (const w of watched) expect(w.problems, `console errors / CSP violations on ${w.page.url()}`).toEqual([]);
});
