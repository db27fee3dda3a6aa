import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { peerServerPlugin } from './scripts/lib/peer-server-plugin.ts';

export default defineConfig({
  // Embedded signalling: a PeerJS server at /peerjs on the same port as the app (dev and preview).
  plugins: [peerServerPlugin({ path: '/peerjs' })],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { include: ['comlink', 'paillier-bigint', 'bigint-crypto-utils', 'lit', 'lit/decorators.js', '@lit/task', 'idb', 'uplot', 'qrcode'] },
  build: {
    target: 'es2022',
    rollupOptions: {
      // The app, plus the light participant page used by `npm run swarm`.
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        swarm: fileURLToPath(new URL('./swarm.html', import.meta.url)),
      },
    },
  },
});
