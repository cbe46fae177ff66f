import preact from '@preact/preset-vite';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { HASHED_ASSETS, headersFile, inlineScripts } from './src/platform/security-headers.ts';
import { loadFailedScript } from './web/shared/load-failed.ts';

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

const ESBUILD_VERSION = (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;

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
  const options = { target: PHONE_TARGET, format: 'esm', minifySyntax: true, minifyWhitespace: true, legalComments: 'none' } as const;
  return {
    name: 'xingping-phone-target',
    apply: 'build',
    enforce: 'post',
    // a chunk's name is hashed before the lowering below rewrites it: the lowering is part of the hash, so another
    // target or esbuild gives the chunk another name instead of new bytes under a name phones keep a year
    augmentChunkHash(chunk) {
      if (!adminOnly(chunk.moduleIds)) return `${ESBUILD_VERSION} ${JSON.stringify(options)}`;
    },
    // after the minifier, which writes for Vite's modern target (it would bring ?? and ||= back)
    async generateBundle(_options, bundle) {
      const { transform } = await import('esbuild');
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk' || adminOnly(file.moduleIds)) continue;
        file.code = (await transform(file.code, options)).code;
      }
    },
  };
}

/**
 * Puts the load-failed notice (web/shared/load-failed.ts) at the end of every page's head, as an inline script
 * (allowed by its hash, as every inline script of the built pages is): a page whose code does not arrive says so
 * instead of staying blank. Not first: the charset must come in the page's first 1024 bytes, and a module script's
 * failure is told only once the page is parsed.
 */
function loadFailedNotice(): Plugin {
  return {
    name: 'xingping-load-failed-notice',
    transformIndexHtml: () => [{ tag: 'script', children: loadFailedScript(), injectTo: 'head' }],
  };
}

/**
 * Writes `_headers` beside the built pages: the security headers Cloudflare puts on the assets it serves
 * without the Worker, with the SHA-256 of each inline script of the built HTML (vote.html's prefetch, the
 * load-failed notice), so the CSP allows exactly those, and the year's caching of each hashed script and style
 * this build wrote.
 * The Node server computes the same from the same HTML and files (node-server.ts).
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
      const hashedAssets = Object.values(bundle)
        .map((file) => `/${file.fileName}`)
        .filter((path) => path.startsWith(HASHED_ASSETS));
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile([...hashes].sort(), hashedAssets) });
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
      const server = await serverModules();
      this.emitFile({ type: 'asset', fileName: server.API_DOCUMENT_ASSET, source: JSON.stringify(server.builtApiDocument()) });
      for (const [locale, messages] of Object.entries(server.catalogues)) this.emitFile({ type: 'asset', fileName: server.catalogueAsset(locale), source: server.catalogueFile(messages) });
    },
  };
}

/**
 * The server's modules that make those assets, loaded as Node runs them (not bundled into this config, which
 * every `vite` command loads): bundled by esbuild into one file, as the Worker's build bundles them, and imported
 * from a scratch folder (~0.3 s; Vite's module runner took ~1.6 s to load them module by module).
 */
async function serverModules() {
  const { build } = await import('esbuild');
  const folder = mkdtempSync(join(tmpdir(), 'xingping-server-assets-'));
  try {
    const outfile = join(folder, 'server-assets.mjs');
    await build({
      stdin: {
        contents: "export * from './src/api-document.ts'; export { catalogues } from './src/messages/index.ts'; export * from './src/messages/asset-path.ts';",
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'warning',
    });
    return (await import(pathToFileURL(outfile).href)) as typeof import('./src/api-document.ts') & typeof import('./src/messages/index.ts') & typeof import('./src/messages/asset-path.ts');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export default defineConfig({
  root: 'web',
  plugins: [preact(), loadFailedNotice(), phoneTarget(), securityHeaders(), serverAssets()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    rollupOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(import.meta.dirname, `web/${page}.html`)])),
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/t': 'http://127.0.0.1:8787' } },
});
