import type { Hono } from 'hono';
import { createApp } from './app';
import { openApiDocument } from './platform/openapi';

/** Routes outside any tenant. The host-resolved copies of tenant routes under /api mirror /t/{tenant}/api and are not documented twice. */
const GLOBAL_API_PREFIXES = ['/api/auth/', '/api/platform/', '/api/county/', '/api/city/', '/api/openapi.json', '/api/health'];

/**
 * What /api/openapi.json answers, built from the app's routes (every zod schema to JSON Schema, ~200 ms of
 * CPU). The Node server builds it once at its first request; the Worker serves the copy the pages build
 * writes to dist/web/api/openapi.json (vite.config.ts), so no JSON Schema code travels in its bundle.
 */
export function apiDocument(app: Hono<any>) {
  return openApiDocument(app, {
    title: '星评 xingping API',
    version: '0.1.0',
    // the API only: not the short address /t/<slug>/v/<code>, a redirect to a page
    include: (path) => /^\/t\/[^/]+\/api\//.test(path) || GLOBAL_API_PREFIXES.some((prefix) => path.startsWith(prefix)),
  });
}

/** Where the pages build writes the document, under the assets' root (its own URL, as the Worker answers it). */
export const API_DOCUMENT_ASSET = 'api/openapi.json';

/** The document of the app as built (the pages build writes it, vite.config.ts): the routes need no database to be listed. */
export function builtApiDocument() {
  return apiDocument(createApp({ databases: () => { throw new Error('no database while building the document'); }, clientIp: () => '', apiDocument }));
}
