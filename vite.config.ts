import preact from '@preact/preset-vite';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { headersFile, inlineScripts } from './src/platform/security-headers.ts';

/**
 * One entry per kind of page, so a phone loads only what its page needs: the admin app (index.html),
 * the phone ballot (vote.html), the big screen (screen.html) and the public village page (village.html).
 */
const pages = ['index', 'vote', 'screen', 'village'];

/**
 * Writes `_headers` beside the built pages: the security headers Cloudflare puts on the assets it serves
 * without the Worker, with the SHA-256 of each inline script of the built HTML (vote.html's prefetch), so
 * the CSP allows exactly those. The Node server computes the same from the same HTML (node-server.ts).
 */
function securityHeaders(): Plugin {
  return {
    name: 'xingping-security-headers',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const hashes = new Set<string>();
      for (const file of Object.values(bundle))
        if (file.type === 'asset' && file.fileName.endsWith('.html'))
          for (const script of inlineScripts(String(file.source))) hashes.add(createHash('sha256').update(script).digest('base64'));
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile([...hashes].sort()) });
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [preact(), securityHeaders()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    rollupOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(import.meta.dirname, `web/${page}.html`)])),
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/t': 'http://127.0.0.1:8787' } },
});
