import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumPath, chromiumArgs } from './scripts/lib/chromium.ts';

const executablePath = chromiumPath();

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // PeerJS signalling server for WebRTC tests (test/browser/net); provides `signalPort`.
          globalSetup: ['test/browser/net/signal-setup.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { ...(executablePath ? { executablePath } : {}), args: chromiumArgs },
              contextOptions: { permissions: ['camera', 'microphone'] },
            }),
            instances: [{ browser: 'chromium' }],
            api: { host: '127.0.0.1', strictPort: false },
          },
        },
      },
    ],
  },
  server: { host: '127.0.0.1' },
  optimizeDeps: { include: ['comlink', 'paillier-bigint', 'bigint-crypto-utils', 'lit', 'lit/decorators.js', '@lit/task', 'idb', 'uplot', 'qrcode'] },
  worker: { format: 'es' },
});
