import { createMiddleware } from 'hono/factory';

/**
 * The browser baseline of every answer, in one table for the three places that send it: the API (app.ts,
 * both drivers), the pages of the Node server (node-server.ts) and the pages Cloudflare serves from the
 * assets without running the Worker (the `_headers` file the page build writes, vite.config.ts).
 */
const BASELINE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // the phone ballot's address carries the QR token: it goes nowhere with a link or a request
  'Referrer-Policy': 'no-referrer',
  // nothing frames the big screen or a login (frame-ancestors says the same to browsers that read CSP)
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Sent on HTTPS only (browsers ignore it on plain HTTP anyway): a year, the tenants' sub-domains included. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** API answers are data, never a document: nothing loads from them, nothing frames them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The pages' policy. Scripts only from our origin, plus the inline scripts of the built pages by their
 * SHA-256 (vote.html's prefetch, which saves a round trip on a slow network; the notice every page shows when its
 * code does not arrive, web/shared/load-failed.ts); styles only from our files
 * (Preact and chartist write style through the CSSOM, which CSP does not restrict; no style attribute is
 * parsed from markup: the QR codes' SVG has none, chartist's are routed through the CSSOM in stars-chart.tsx).
 * Images: our files, the signature pictures (data: and blob: URLs of the sign-off page).
 */
function pageCsp(scriptHashes: readonly string[]): string {
  const scripts = ["'self'", ...scriptHashes.map((hash) => `'sha256-${hash}'`)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The text of each inline script (no src) of an HTML page, exactly as the browser hashes it. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]).filter((text) => text.length > 0);
}

/** Every header of a page answer. */
export function pageHeaders(scriptHashes: readonly string[], https: boolean): Record<string, string> {
  return { ...BASELINE_HEADERS, 'Content-Security-Policy': pageCsp(scriptHashes), ...(https ? { 'Strict-Transport-Security': HSTS } : {}) };
}

/**
 * Where the page build puts its scripts and styles, each named by a hash of its content (vite.config.ts): a new
 * build never changes a file of that name, only the pages' references to it.
 */
export const HASHED_ASSETS = '/assets/';

/**
 * The caching of a hashed asset: kept a year and never asked again, so a phone on a slow rural network that opens
 * the ballot or the village page a second time sends no request for its scripts (without it the Node server's
 * Last-Modified left browsers to guess and then download the whole file again, and Cloudflare's default of
 * `max-age=0, must-revalidate` cost a round trip per file on every page). The pages themselves keep revalidating,
 * so a deployment reaches every phone at its next load, with the new files' names.
 */
export const HASHED_ASSET_CACHING = 'public, max-age=31536000, immutable';

/** Cloudflare reads at most this many rules from `_headers`. */
export const MAX_HEADER_RULES = 100;

/**
 * The `_headers` file of the built pages (Workers static assets and Cloudflare Pages read it; it is not
 * served itself). Cloudflare answers over HTTPS, so HSTS is always in it. The hashed assets are named one by
 * one, not as `/assets/*`: a name no build has (a page open across a deployment asking for a chunk the new one
 * dropped) is answered with the admin app's index.html, which must not be kept a year under that name, as it
 * would be if the deployment were rolled back and the name came back.
 */
export function headersFile(scriptHashes: readonly string[], hashedAssets: readonly string[]): string {
  const rules = 1 + hashedAssets.length;
  if (rules > MAX_HEADER_RULES)
    throw new Error(`_headers would hold ${rules} rules (the pages and ${hashedAssets.length} hashed assets); Cloudflare reads at most ${MAX_HEADER_RULES}: bundle fewer chunks (vite.config.ts)`);
  const lines = Object.entries(pageHeaders(scriptHashes, true)).map(([name, value]) => `  ${name}: ${value}`);
  return [
    '# Written by the page build (vite.config.ts) from src/platform/security-headers.ts: do not edit.',
    '/*',
    ...lines,
    ...[...hashedAssets].sort().flatMap((path) => [path, `  Cache-Control: ${HASHED_ASSET_CACHING}`]),
    '',
  ].join('\n');
}

/** The baseline on every API answer, errors and 404s included; HSTS when the request came over HTTPS. */
export const apiSecurityHeaders = createMiddleware(async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of Object.entries(BASELINE_HEADERS)) headers.set(name, value);
  headers.set('Content-Security-Policy', API_CSP);
  if (new URL(c.req.url).protocol === 'https:') headers.set('Strict-Transport-Security', HSTS);
});
