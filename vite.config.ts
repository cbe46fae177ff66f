import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * One entry per kind of page, so a phone loads only what its page needs: the admin app (index.html),
 * the phone ballot (vote.html), the big screen (screen.html) and the public village page (village.html).
 */
const pages = ['index', 'vote', 'screen', 'village'];

export default defineConfig({
  root: 'web',
  plugins: [preact()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    rollupOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(import.meta.dirname, `web/${page}.html`)])),
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/t': 'http://127.0.0.1:8787' } },
});
