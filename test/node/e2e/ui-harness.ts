/**
 * Fixture shared by the end-to-end tests that drive real rounds through the UI: one Vite dev server
 * (app + embedded signalling), one headless Chromium context with the permissions loopback WebRTC
 * needs, and helpers to open tabs and read a tab's lobby phase and exported profiles.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startAppServer, WEBRTC_PERMISSIONS, type AppServer } from '../../../scripts/lib/app-browser';

/** Registers beforeAll/afterAll hooks in the calling test file and returns the tab helpers. */
export function useUiRoundFixture() {
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startAppServer();
    browser = await launchChromium();
    context = await browser.newContext({ permissions: WEBRTC_PERMISSIONS });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  return {
    /** Page errors of every tab opened, prefixed with the tab's name. */
    pageErrors,
    /** The app's base URL with a trailing slash. */
    base: (): string => `${app!.base}/`,
    /** Opens a tab at `url`, recording its page errors under `name`. */
    async open(url: string, name: string): Promise<Page> {
      const page = await context!.newPage();
      page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
      await page.goto(url);
      return page;
    },
    /** The lobby's `data-phase`, or null while the lobby is not shown. */
    phase: (p: Page): Promise<string | null> =>
      p.locator('cs-lobby [data-phase]').getAttribute('data-phase', { timeout: 1000 }).catch(() => null),
    /** The profiles a tab exports as JSON. */
    profiles: (p: Page): Promise<number[][]> =>
      p.locator('cs-export').evaluate((el) =>
        (JSON.parse((el as unknown as { content(f: string): string }).content('json')) as { profiles: number[][] }).profiles),
  };
}
