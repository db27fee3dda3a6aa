import { defineConfig } from 'vite';

export default defineConfig({
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { include: ['comlink', 'paillier-bigint', 'bigint-crypto-utils'] },
  build: { target: 'es2022' },
});
