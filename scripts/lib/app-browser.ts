/**
 * Starting the app's Vite dev server and the system Chromium on loopback: shared by the end-to-end
 * tests, the swarm runner, the screenshot script and the browser benchmark, so that every one of them
 * finds the browser and binds the server the same way.
 */
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

/** Launches headless Chromium (system binary, see ./chromium.ts) with the loopback-WebRTC flags. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const executablePath = chromiumPath();
  return chromium.launch({ ...(executablePath ? { executablePath } : {}), args: chromiumArgs, ...options });
}

/** Context permissions that loopback WebRTC needs in headless Chromium (see docs/DEPLOY.md). */
export const WEBRTC_PERMISSIONS = ['camera', 'microphone'];
