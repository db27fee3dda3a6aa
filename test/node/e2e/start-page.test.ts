/**
 * End to end: the Vite dev server (repo config) serves a page whose crypto self-test runs in the
 * worker pool in headless Chromium and shows a successful encrypt → add → decrypt.
 * Contract with the start page: an element `[data-testid="crypto-selftest"]` whose `data-status`
 * becomes `ok` (or `error`), whose `data-sum` holds the plain sum (decimal) of the encrypted values and
 * whose text lists the encrypted values and the decrypted sum (src/ui/cs-selftest.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, startAppServer, type AppServer } from '../../../scripts/lib/app-browser';


let app: AppServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await startAppServer();
  base = app.base;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('start page crypto self-test', () => {
  it('/ shows a successful worker encrypt → add → decrypt', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(base + '/');
      const el = page.locator('[data-testid="crypto-selftest"]');
      await el.waitFor({ state: 'attached', timeout: 30_000 });
      await page.waitForFunction(
        () => {
          const s = document.querySelector('[data-testid="crypto-selftest"]')?.getAttribute('data-status');
          return s === 'ok' || s === 'error';
        },
        undefined,
        { timeout: 45_000 },
      );
      const text = (await el.textContent()) ?? '';
      expect(await el.getAttribute('data-status'), text).toBe('ok');
      // The expected sum (computed in the clear by the page) comes from data-sum; the text must show it
      // as the decrypted result.
      const sum = await el.getAttribute('data-sum');
      expect(sum, 'data-sum attribute').toMatch(/^\d+$/);
      expect(text).toContain(sum!);
      // The page lists the encrypted values: check its arithmetic independently.
      const values = /^\s*(\d+(?: \+ \d+)*) encrypted/m.exec(text);
      expect(values, `self-test text: ${text}`).not.toBeNull();
      expect(values![1]!.split(' + ').reduce((a, b) => a + BigInt(b), 0n).toString()).toBe(sum);
      expect(text).toMatch(new RegExp(`decrypted sum = ${sum}`));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
