/**
 * Screenshots of the main screens for the README: starts Vite, drives the system Chromium with
 * playwright-core and saves PNGs to docs/screenshots/. Usage: `npx tsx scripts/screenshots.ts`
 * (`--mobile` adds phone-sized shots). Fails on any console error or page error.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, repoRoot, startAppServer, WEBRTC_PERMISSIONS } from './lib/app-browser';

const out = join(repoRoot, 'docs/screenshots');

/** Opens a route and waits until `ready` (a CSS selector, pierced through shadow roots) is visible. */
async function shoot(page: Page, route: string, ready: string, file: string, timeout = 120_000): Promise<void> {
  await page.goto(route);
  await page.locator(ready).first().waitFor({ state: 'visible', timeout });
  await page.waitForTimeout(400); // let uPlot lay out
  await page.screenshot({ path: join(out, file), fullPage: true });
  console.log(`saved docs/screenshots/${file}`);
}

/**
 * A real 3-tab round through the UI (creator + 2 joiners, 512-bit keys): the creator's lobby with the
 * join link and QR code, a joiner's lobby, then the creator's finished round with its results.
 */
async function round(browser: Browser, base: string, width: number, height: number, suffix: string, errors: string[]): Promise<void> {
  const context = await browser.newContext({ viewport: { width, height }, permissions: WEBRTC_PERMISSIONS });
  const open = async (url: string): Promise<Page> => {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    return page;
  };
  try {
    const creator = await open(`${base}#/create`);
    await creator.locator('cs-create-round #k').fill('3');
    await creator.locator('cs-create-round #iterations').fill('3');
    await creator.locator('cs-create-round #epsilon').fill('20');
    await creator.locator('cs-create-round #keyBits').selectOption('512');
    await creator.locator('cs-round-data #data-source').selectOption({ index: 0 });
    await creator.locator('cs-create-round button[type=submit]').click();
    await creator.locator('cs-create-round img[alt^="QR code"]').waitFor({ timeout: 60_000 });
    const link = await creator.locator('[data-testid="join-link"]').inputValue();
    const joiners: Page[] = [];
    for (const i of [5, 11]) {
      const p = await open(link);
      await p.locator('cs-round-data #data-source').selectOption({ index: i }, { timeout: 60_000 });
      await p.getByRole('button', { name: 'Join the round' }).click();
      await p.locator('cs-lobby [data-phase="lobby"]').waitFor({ timeout: 60_000 });
      joiners.push(p);
    }
    await creator.getByRole('button', { name: /Start the round \(3 members\)/ }).waitFor({ timeout: 60_000 });
    await creator.screenshot({ path: join(out, `round-lobby${suffix}.png`), fullPage: true });
    console.log(`saved docs/screenshots/round-lobby${suffix}.png`);
    await joiners[0]!.screenshot({ path: join(out, `round-join${suffix}.png`), fullPage: true });
    console.log(`saved docs/screenshots/round-join${suffix}.png`);
    await creator.getByRole('button', { name: /Start the round/ }).click();
    await creator.locator('cs-lobby [data-phase="running"]').waitFor({ timeout: 60_000 });
    await creator.waitForTimeout(2500);
    await creator.screenshot({ path: join(out, `round-running${suffix}.png`), fullPage: true });
    console.log(`saved docs/screenshots/round-running${suffix}.png`);
    await creator.locator('cs-lobby [data-phase="done"]').waitFor({ timeout: 120_000 });
    await creator.locator('cs-results cs-export').waitFor({ timeout: 30_000 });
    await creator.waitForTimeout(400);
    await creator.screenshot({ path: join(out, `round-done${suffix}.png`), fullPage: true });
    console.log(`saved docs/screenshots/round-done${suffix}.png`);
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const app = await startAppServer();
  const base = `${app.base}/`;
  const browser = await launchChromium();
  const errors: string[] = [];
  try {
    const sizes = process.argv.includes('--mobile') ? [['', 1200, 900], ['-phone', 390, 844]] as const : [['', 1200, 900]] as const;
    for (const [suffix, width, height] of sizes) {
      const page = await browser.newPage({ viewport: { width, height } });
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(base);
      await page.waitForFunction(() => document.querySelector('[data-testid="crypto-selftest"]')?.getAttribute('data-status') === 'ok', undefined, { timeout: 60_000 });
      await page.screenshot({ path: join(out, `start${suffix}.png`), fullPage: true });
      console.log(`saved docs/screenshots/start${suffix}.png`);
      await shoot(page, `${base}#/create`, 'cs-create-round form', `create-round${suffix}.png`);
      await shoot(page, `${base}#/data`, 'cs-my-data h2', `your-data${suffix}.png`);
      await shoot(page, `${base}#/lab/try`, 'cs-results cs-export', `lab${suffix}.png`, 600_000);
      await shoot(page, `${base}#/history`, 'cs-history li.run', `history${suffix}.png`);
      await page.close();
      await round(browser, base, width, height, suffix, errors);
    }
  } finally {
    await browser.close();
    await app.close();
  }
  if (errors.length > 0) throw new Error(`console errors:\n${errors.join('\n')}`);
}

// Vite's dev server can leave handles open after close(): exit explicitly.
main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
