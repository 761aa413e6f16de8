// Vite configuration for Keel's browser page (web/): the dev server (`npm run web`) and the
// production build (`npm run web:build`, into dist/web). Both serve with the cross-origin
// isolation headers a page needs for SharedArrayBuffer. The kernel and thread workers are the
// compiled TypeScript in dist/src (run `npm run build` first): Vite bundles them from there.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, Atomics.wait in workers). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  clearScreen: false,
  server: { headers: isolationHeaders, fs: { allow: [repo] } },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { outDir: `${repo}dist/web`, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
});
