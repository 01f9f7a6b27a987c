/**
 * The agent console in real headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against a test stack: sign in with a development role, find
 * a customer by name, see their 360, place an order from the console (APPLIED),
 * ship it inside the ERP through the sandbox's action, and see SHIPPED on screen
 * within the ERP poll interval plus 2 s, without a reload. The 360 is written to
 * docs/console.png for the README when CONSOLE_SCREENSHOT=1 (so that a test run
 * leaves the checkout as it found it), to a temporary file otherwise.
 *
 * Skipped, with a message, when /usr/bin/chromium is absent
 * (`apt-get install -y chromium`; .ci/run installs it).
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type RunningConsole } from '../../console/server.js';
import { activeItems, action, orderableCustomers } from '../e2e/order-helpers.js';
import { freePort } from '../support/ports.js';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { buildConsole, chromiumPresent, launchChromium } from './support.js';

const present = chromiumPresent('test/console/browser.test.ts');

/** The test stack's ERP poll interval (ORDER_FEED_INTERVAL_MS in test/support/wiring.ts). */
const ERP_POLL_MS = 150;
const SCREENSHOT = process.env.CONSOLE_SCREENSHOT === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'console.png') : join(tmpdir(), `rsg-console-${process.pid}.png`);

describe.skipIf(!present)('agent console in headless Chromium', () => {
  let stack: Stack & StackIdentity;
  let consoleServer: RunningConsole;
  let context: BrowserContext;
  let page: Page;
  const temp: string[] = [];

  beforeAll(async () => {
    const dir = await buildConsole('development');
    temp.push(dir);
    const port = await freePort();
    stack = await startStack({ corsOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] });
    const issuer = stack.issuer;
    consoleServer = await startConsoleServer({ gatewayUrl: stack.gatewayUrl, dir, port, devToken: (role) => issuer.token({ sub: `console-${role}`, roles: [role] }) });
    context = await launchChromium();
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await consoleServer?.close();
    await stack?.close();
    await Promise.all(temp.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('finds a customer, shows the 360, and shows an order shipped in the ERP without a reload', async () => {
    const browserErrors: string[] = [];
    page.on('pageerror', (e) => browserErrors.push(e.message));
    // A customer with cases, whose orders the ERP takes, found by the name Salesforce holds.
    const orderable = new Set(orderableCustomers(stack).map((c) => c.externalid));
    const { organizations, tickets } = stack.dataset.zendesk;
    const withCases = new Set(organizations.filter((o) => tickets.some((t) => t.organization_id === o.id)).map((o) => o.external_id));
    const account = stack.dataset.salesforce.accounts.find((a) => orderable.has(a.Customer_Number__c) && withCases.has(a.Customer_Number__c) && /^[A-Za-z]+ [A-Za-z]+$/.test(a.Name));
    if (!account) throw new Error('the dataset has no orderable customer with a plain name');
    const customerId = account.Customer_Number__c;
    const sku = activeItems(stack)[0]?.itemid ?? 'SKU-10000';

    await page.goto(consoleServer.url);
    await page.getByRole('button', { name: 'Sign in as agent' }).click();
    await page.getByLabel('Find a customer').fill(account.Name);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    // One match opens at once; several list, and the test picks its customer.
    const c360 = page.getByTestId('customer-360');
    const listed = page.locator('ul.found li', { hasText: customerId }).getByRole('button');
    await Promise.race([c360.waitFor(), listed.waitFor()]);
    if (!(await c360.isVisible())) await listed.click();
    await c360.waitFor();
    await expect.poll(() => page.locator('[data-part="profile"] dd').first().textContent()).toBe(customerId);
    for (const part of ['profile', 'financials', 'orders', 'cases']) {
      await expect.poll(() => page.locator(`[data-part="${part}"] .freshness`).first().textContent(), { message: `${part} freshness` }).toMatch(/^as of /);
    }
    expect(await page.locator('.banner.error').count()).toBe(0);

    // Place an order from the console: the ERP takes it now, and the 360 shows it.
    await page.getByPlaceholder('SKU').fill(sku);
    await page.getByRole('button', { name: 'Place order' }).click();
    const outcome = page.locator('.outcomes li').first();
    await expect.poll(() => outcome.textContent(), { timeout: 10_000 }).toMatch(/APPLIED · SO-\d+/);
    const orderId = /(SO-\d+)/.exec((await outcome.textContent()) ?? '')?.[1] ?? '';
    const status = page.getByTestId(`order-status-${orderId}`);
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('BOOKED');
    // Let the ERP feed see the new order first, as the subscription tests do.
    await page.waitForTimeout(1200);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    await action(stack, 'netsuite', 'ship-order', { orderId });
    const shippedBy = Date.now() + ERP_POLL_MS + 2000;
    await status.filter({ hasText: 'SHIPPED' }).waitFor({ timeout: Math.max(0, shippedBy - Date.now()) });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // The event carries the order as the ERP holds it now: its shipment shows too.
    await expect.poll(() => page.locator(`[data-order="${orderId}"]`).textContent()).toMatch(/Shipments: SHIP-\d+/);
    expect(await page.locator('[data-part="cases"] li').count()).toBeGreaterThan(0);
    expect(browserErrors).toEqual([]);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);

  it('shows a case opened while the service desk is down as QUEUED, then APPLIED once it is back, without a reload', async () => {
    await stack.faults('zendesk', { down: true });
    try {
      const subject = `Console ${Date.now()}`;
      await page.getByPlaceholder('Subject').fill(subject);
      await page.getByPlaceholder('Description').fill('opened while the service desk is down');
      await page.getByRole('button', { name: 'Open case' }).click();
      const row = page.locator('.outcomes li', { hasText: subject });
      await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/: QUEUED · service:w_/);
      await stack.clearFaults();
      // Pushed by serviceWriteSettled once the queue has replayed the write into the service desk.
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/QUEUED, then APPLIED/);
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      // The 360 reloads on APPLIED and lists the new case.
      await expect.poll(() => page.locator('[data-part="cases"]').textContent(), { timeout: 10_000 }).toContain(subject);
    } finally {
      await stack.clearFaults();
    }
  }, 60_000);

  it('shows a banner for a system that is down while the other parts still show', async () => {
    await stack.faults('zendesk', { down: true });
    try {
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      const banner = page.locator('.banner.error[data-system="SERVICE_DESK"]');
      await banner.waitFor({ timeout: 15_000 });
      expect(await banner.textContent()).toContain('The service desk is not answering');
      expect(await page.locator('.banner.error[data-system]').count()).toBe(1);
      expect(await page.locator('[data-part="cases"] .missing').textContent()).toBe('Not available.');
      expect(await page.locator('[data-part="orders"] .order').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-part="financials"] dd').first().textContent()).toMatch(/\d+\.\d{2} [A-Z]{3}/);
    } finally {
      await stack.clearFaults();
    }
  }, 30_000);
});
