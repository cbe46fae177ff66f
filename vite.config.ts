import preact from '@preact/preset-vite';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { defineConfig, runnerImport, type Plugin } from 'vite';
import { headersFile, inlineScripts } from './src/platform/security-headers.ts';

/**
 * One entry per kind of page, so a phone loads only what its page needs: the admin app (index.html),
 * the phone ballot (vote.html), the big screen (screen.html) and the public village page (village.html).
 */
const pages = ['index', 'vote', 'screen', 'village'];

/**
 * The syntax the phone pages (ballot, village page, big screen) are built for: the browsers villagers and
 * halls really have (iOS 12 Safari, Android WebViews and WeChat's browser of a few years back, a TV box's
 * browser). docs/phone-pages.md says why, and test/browser/old-phones.test.ts parses every script they
 * load with an ES2019 parser.
 */
export const PHONE_TARGET = 'es2019';

/**
 * Lowers every chunk a phone page can load to PHONE_TARGET, after Vite's own (modern) build: any chunk
 * not of the admin app alone (the phone pages, web/shared, src/domain, node_modules).
 * Chunks of the admin app alone stay on Vite's modern baseline.
 */
function phoneTarget(): Plugin {
  // Rollup puts modules in one chunk only when the same entries load them, so a chunk holding any module of
  // the admin app is loaded by the admin app alone (its entry chunk also carries Vite's preload helper, which
  // reads import.meta.url: lowering it would empty import.meta and break every lazy page).
  const adminOnly = (ids: string[]) => ids.some((id) => id.includes('/web/admin/') || id.endsWith('/web/index.html'));
  return {
    name: 'xingping-phone-target',
    apply: 'build',
    enforce: 'post',
    // after the minifier, which writes for Vite's modern target (it would bring ?? and ||= back)
    async generateBundle(_options, bundle) {
      const { transform } = await import('esbuild');
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk' || adminOnly(file.moduleIds)) continue;
        file.code = (await transform(file.code, { target: PHONE_TARGET, format: 'esm', minifySyntax: true, minifyWhitespace: true, legalComments: 'none' })).code;
      }
    },
  };
}

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

/**
 * Writes what the Worker reads from its assets instead of carrying it in its bundle, built from the server's
 * modules exactly as the Node server uses them:
 * - the API's OpenAPI document (api/openapi.json), from the routes' zod schemas (src/api-document.ts): the
 *   Worker's bundle carries no JSON Schema code;
 * - the server's message catalogues (api/messages/<locale>.json, src/messages/assets.ts).
 * Built with the pages, they are as current as they are (test/api/worker-assets.test.ts compares the Worker's
 * answers with a document and catalogues made afresh).
 */
function serverAssets(): Plugin {
  return {
    name: 'xingping-server-assets',
    apply: 'build',
    async generateBundle() {
      // the server's modules loaded as they are (not bundled into this config)
      const load = async <T>(path: string) => (await runnerImport<T>(resolve(import.meta.dirname, path), { configFile: false, logLevel: 'warn' })).module;
      const document = await load<typeof import('./src/api-document.ts')>('src/api-document.ts');
      this.emitFile({ type: 'asset', fileName: document.API_DOCUMENT_ASSET, source: JSON.stringify(document.builtApiDocument()) });
      const { catalogues } = await load<typeof import('./src/messages/index.ts')>('src/messages/index.ts');
      const { catalogueAsset, catalogueFile } = await load<typeof import('./src/messages/asset-path.ts')>('src/messages/asset-path.ts');
      for (const [locale, messages] of Object.entries(catalogues)) this.emitFile({ type: 'asset', fileName: catalogueAsset(locale), source: catalogueFile(messages) });
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [preact(), phoneTarget(), securityHeaders(), serverAssets()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    rollupOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(import.meta.dirname, `web/${page}.html`)])),
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/t': 'http://127.0.0.1:8787' } },
});
