/**
 * End to end: the app page served by Vite renders its main screens in headless Chromium without a
 * console error or page error, and a small lab run fills the results views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, startAppServer, type AppServer } from '../../../scripts/lib/app-browser';

let app: AppServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await startAppServer();
  base = `${app.base}/`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function withPage(width: number, fn: (page: Page) => Promise<void>): Promise<void> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await fn(page);
    expect(errors).toEqual([]);
  } finally {
    await page.close();
  }
}

describe('app screens', () => {
  it('start, create, data and history render without console errors (desktop and phone width)', async () => {
    for (const width of [1200, 390]) {
      await withPage(width, async (page) => {
        await page.goto(base);
        await expect.poll(() => page.getAttribute('[data-testid="crypto-selftest"]', 'data-status'), { timeout: 45_000 }).toBe('ok');
        await expect.poll(() => page.locator('cs-app a.button').first().textContent()).toBe('Try lab mode');
        await page.goto(`${base}#/create`);
        await page.locator('cs-create-round form').waitFor();
        // Invalid k is reported next to the field, focus moves to it.
        await page.locator('cs-create-round #k').fill('1');
        await page.locator('cs-create-round button[type=submit]').click();
        await expect.poll(() => page.locator('cs-create-round #k-err').textContent()).toMatch(/between 2 and 50/);
        await page.goto(`${base}#/data`);
        await expect.poll(() => page.locator('cs-my-data .promise').textContent()).toMatch(/never leave this tab unencrypted/);
        await page.goto(`${base}#/history`);
        await page.locator('cs-history h2').waitFor();
        // No horizontal scrolling on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      });
    }
  }, 120_000);

  it('a small lab run fills every results view and lands in history', async () => {
    await withPage(1200, async (page) => {
      await page.goto(`${base}#/lab`);
      await page.locator('cs-lab #participants').fill('40');
      await page.locator('cs-lab #participants').press('Tab');
      await page.locator('cs-lab #iterations').fill('3');
      await page.locator('cs-lab #iterations').press('Tab');
      await page.locator('cs-lab #keyBits').selectOption('0');
      await page.locator('cs-lab button[type=submit]').click();
      await page.locator('cs-results cs-export').waitFor({ timeout: 60_000 });
      for (const view of ['cs-closest-profile', 'cs-profiles-evolution', 'cs-sampled-participants', 'cs-noise-impact', 'cs-bobs-window', 'cs-inertia-view', 'cs-cost-views']) {
        expect(await page.locator(`cs-results ${view}`).count(), view).toBe(1);
      }
      expect(await page.locator('cs-results cs-profiles-evolution output').textContent()).toBe('#3');
      await page.goto(`${base}#/history`);
      await page.locator('cs-history li.run a').first().click();
      await page.locator('cs-run-view cs-results cs-inertia-view').waitFor();
    });
  }, 120_000);
});
