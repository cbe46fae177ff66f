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
 * SHA-256 (vote.html's prefetch, which saves a round trip on a slow network); styles only from our files
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
 * The `_headers` file of the built pages (Workers static assets and Cloudflare Pages read it; it is not
 * served itself). Cloudflare answers over HTTPS, so HSTS is always in it.
 */
export function headersFile(scriptHashes: readonly string[]): string {
  const lines = Object.entries(pageHeaders(scriptHashes, true)).map(([name, value]) => `  ${name}: ${value}`);
  return ['# Written by the page build (vite.config.ts) from src/platform/security-headers.ts: do not edit.', '/*', ...lines, ''].join('\n');
}

/** The baseline on every API answer, errors and 404s included; HSTS when the request came over HTTPS. */
export const apiSecurityHeaders = createMiddleware(async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of Object.entries(BASELINE_HEADERS)) headers.set(name, value);
  headers.set('Content-Security-Policy', API_CSP);
  if (new URL(c.req.url).protocol === 'https:') headers.set('Strict-Transport-Security', HSTS);
});
