import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves web/dist at `/`. In development, `npm run dev -w @switchyard/web` proxies
// the APIs to a gateway on :8080.
const target = process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/v1': target,
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
});
