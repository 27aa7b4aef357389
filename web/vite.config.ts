// Builds the web app into web/dist, which every node serves at / (src/api/web.ts). The app imports the
// pure core (src/core) directly; its crypto backend is chosen by package.json "imports" under the
// "browser" condition (@noble), so the condition is named here explicitly. `vite --config
// web/vite.config.ts` serves it for development, proxying the API to a running node (CARECHAIN_API).
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

const here = decodeURIComponent(new URL('.', import.meta.url).pathname);
// Read without Node's types: this file is checked with the browser's (web/tsconfig.json).
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const api = env?.CARECHAIN_API ?? 'http://127.0.0.1:8081';
const proxied = ['/api', '/fhir', '/auth', '/epcis', '/.well-known', '/metrics'];

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  resolve: { conditions: ['browser', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a single chunk keeps the CSP simple and the first load to two requests.
    chunkSizeWarningLimit: 1024,
  },
  server: { proxy: Object.fromEntries(proxied.map((path) => [path, api])) },
});
