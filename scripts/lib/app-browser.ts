/**
 * Starting the app's Vite dev server and the system Chromium on loopback: shared by the end-to-end
 * tests, the swarm runner, the screenshot script and the browser benchmark, so that every one of them
 * finds the browser and binds the server the same way.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig, ViteDevServer } from 'vite';
import type { Browser, LaunchOptions } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A listening dev server and its base URL (no trailing slash). */
export interface AppServer {
  readonly server: ViteDevServer;
  readonly base: string;
  close(): Promise<void>;
}

/**
 * Starts Vite on 127.0.0.1 on a free port, with the repo's vite.config.ts (app + embedded PeerJS
 * signalling) unless `config` replaces it (e.g. `{ configFile: false, ... }` for a bare worker page).
 */
export async function startAppServer(config: InlineConfig = {}): Promise<AppServer> {
  const { createServer } = await import('vite');
  const server = await createServer({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    ...config,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ...config.server },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('the Vite dev server has no TCP address');
  }
  return { server, base: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/**
 * The features playwright-core (1.65) enables itself (its `enabledFeatures`; the first one is left out
 * when PLAYWRIGHT_LEGACY_SCREENSHOT is set). Chromium keeps only the last `--enable-features` switch,
 * so a launch that enables features of its own must repeat these (test/node/e2e/swarm.test.ts checks
 * the list against the installed playwright-core).
 */
export const PLAYWRIGHT_ENABLED_FEATURES: readonly string[] = ['CDPScreenshotNewSurface', 'SkipListAccountsWithoutGaiaCookies'];

/**
 * Runs every tab's renderer at foreground priority. Each headless tab stands for one person's
 * foreground tab on their own device, but Chromium treats all tabs but one as merely "user visible"
 * and (on Linux) runs their renderer main threads at nice 5: below their own crypto workers (nice 0)
 * and WebRTC network threads (nice −8), so on a busy machine a 3 ms task waited 50–150 ms for a core.
 */
export const FOREGROUND_FEATURES: readonly string[] = ['ForceForegroundPriorityForAllTabs'];

/** One `--enable-features` switch with Playwright's own features plus `extra` (deduplicated). */
export function enableFeaturesArg(extra: readonly string[]): string {
  const own = PLAYWRIGHT_ENABLED_FEATURES.filter((f) => !(f === 'CDPScreenshotNewSurface' && process.env['PLAYWRIGHT_LEGACY_SCREENSHOT']));
  for (const f of extra) if (!/^[A-Za-z0-9_]+$/.test(f)) throw new TypeError(`enableFeaturesArg: bad feature name '${f}'`);
  return `--enable-features=${[...new Set([...own, ...extra])].join(',')}`;
}

/**
 * Reads every file of Chromium's install directory once (≈ 350 MB for Debian's; 0.1 s when already
 * cached). A machine that reclaims idle page cache (this VM's DAMON pageout drops pages unused for
 * 60 s) otherwise pages the browser in from disk during the first run after a pause: loading took
 * 17–20 s instead of 11–14, and that round measured the disk more than the swarm. Best effort.
 */
export async function warmBrowserFiles(executablePath = chromiumPath()): Promise<void> {
  if (!executablePath) return;
  try {
    const exe = await realpath(executablePath);
    // Debian's /usr/bin/chromium is a shell script; the browser lives in /usr/lib/chromium.
    const dir = /\/s?bin$/.test(dirname(exe)) ? '/usr/lib/chromium' : dirname(exe);
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    for (const e of entries) if (e.isFile()) await readFile(join(e.parentPath, e.name)).catch(() => undefined);
  } catch { /* not there or not readable: launch as is */ }
}

/**
 * Launches headless Chromium (system binary, see ./chromium.ts) with the loopback-WebRTC flags and
 * every tab at foreground priority ({@link FOREGROUND_FEATURES}; `foregroundTabs: false` keeps
 * Chromium's default). `options.args`, when given, replaces all of these flags.
 */
export async function launchChromium(options: LaunchOptions = {}, { foregroundTabs = true }: { foregroundTabs?: boolean } = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const executablePath = chromiumPath();
  const args = [...chromiumArgs, ...(foregroundTabs ? [enableFeaturesArg(FOREGROUND_FEATURES)] : [])];
  return chromium.launch({ ...(executablePath ? { executablePath } : {}), args, ...options });
}

/** Context permissions that loopback WebRTC needs in headless Chromium (see docs/DEPLOY.md). */
export const WEBRTC_PERMISSIONS = ['camera', 'microphone'];
