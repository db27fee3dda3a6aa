/**
 * Where tests and tools find a browser: $CHROMIUM_PATH, else Debian's /usr/bin/chromium.
 * Nothing here ever downloads a browser.
 */
import { existsSync } from 'node:fs';

export function chromiumPath(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const p of ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(p)) return p;
  }
  return undefined; // Playwright's own browser, if the user installed one
}

/** Flags that keep headless Chromium off the network and allow loopback WebRTC (see docs/TESTING.md). */
export const chromiumArgs = [
  '--headless=new',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--no-sandbox',
];
