import type { MiddlewareHandler } from 'hono';
import { parseAccept } from 'hono/utils/accept';
import { gzipSync } from 'node:zlib';

const THRESHOLD = 1024;
const CACHED_MAX_BYTES = 64 * 1024;
const CACHE_ENTRIES = 200;
const COMPRESSIBLE = /^\s*(?:text\/|application\/(?:json|javascript|xml)|image\/svg\+xml)/i;

/** Whether the caller takes gzip: named with a weight above zero, or the wildcard's (as hono/compress reads it). */
function takesGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  const accepted = parseAccept(acceptEncoding);
  const weight = accepted.find((a) => a.type.toLowerCase() === 'gzip')?.q ?? accepted.find((a) => a.type === '*')?.q ?? 0;
  return weight > 0;
}

/** Recent answers' gzip bytes by their text: a pure function of the text, so nothing can go stale. */
const recent = new Map<string, Uint8Array<ArrayBuffer>>();

function gzipOf(text: string): Uint8Array<ArrayBuffer> {
  const hit = recent.get(text);
  if (hit) {
    recent.delete(text);
    recent.set(text, hit); // most recently used last
    return hit;
  }
  const gz = new Uint8Array(gzipSync(text));
  if (text.length <= CACHED_MAX_BYTES) {
    if (recent.size >= CACHE_ENTRIES) recent.delete(recent.keys().next().value!);
    recent.set(text, gz);
  }
  return gz;
}

/**
 * The body of an answer made from a string, read without turning @hono/node-server's lightweight
 * Response into a stream-backed one (it keeps [status, body, headers] under a private symbol); undefined
 * when it is not such an answer, and the body is then read the ordinary way.
 */
function bodyText(response: Response): string | undefined {
  const key = Object.getOwnPropertySymbols(response).find((s) => s.description === 'cache');
  const cached = key && (response as unknown as Record<symbol, unknown>)[key];
  return Array.isArray(cached) && typeof cached[0] === 'number' && typeof cached[1] === 'string' ? cached[1] : undefined;
}

/**
 * gzip for the API's answers in the Node server, in one synchronous step instead of hono/compress's
 * CompressionStream (~1 ms of CPU per answer there, most of a ballot's budget), and once per distinct
 * answer: every phone of a session gets the same pass reply (questions, subjects, the pass), so a burst
 * of phones costs one compression. The Worker does not need this: Cloudflare's edge compresses.
 */
export async function gzipAnswer(request: Request, response: Response): Promise<Response> {
  const type = response.headers.get('content-type');
  if (
    request.method === 'HEAD' ||
    response.status === 204 ||
    response.status === 206 ||
    response.status === 304 ||
    !type ||
    !COMPRESSIBLE.test(type) ||
    response.headers.has('content-encoding') ||
    /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(response.headers.get('cache-control') ?? '') ||
    !takesGzip(request.headers.get('accept-encoding') ?? undefined)
  )
    return response;
  const text = bodyText(response) ?? (await response.text());
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  const vary = headers.get('vary');
  if (!vary || !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary)) headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
  const bytes = Buffer.byteLength(text);
  // its length tells hono/compress (which the Node server runs for pages) that it is too small to compress
  if (bytes < THRESHOLD) {
    headers.set('content-length', String(bytes));
    return new Response(text, { status: response.status, headers });
  }
  headers.set('content-encoding', 'gzip');
  return new Response(gzipOf(text), { status: response.status, headers });
}

const FILE_ENTRIES = 500;

/**
 * gzip for the build's files under /assets/ (named by a hash of their content), as serveStatic reads them: each is
 * compressed at its first request and the bytes kept, keyed by path, size and modification time, for every request
 * after. hono/compress gzipped the ballot page's ~80 KB of script again for each phone scanning the QR (~0.12 ms of
 * CPU a KB). Only a whole 200 answer of a compressible type to a caller that takes gzip is replaced; a range or HEAD
 * request, or a caller without gzip, gets the file as serveStatic answers it.
 */
export function gzipFilesOnce(): MiddlewareHandler {
  // the compression itself, so a burst of first requests (phones scanning the QR after a restart) makes one
  const gzipped = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  return async (c, next) => {
    await next();
    const type = c.res.headers.get('content-type');
    const modified = c.res.headers.get('last-modified');
    if (
      c.req.method !== 'GET' ||
      c.res.status !== 200 ||
      // a file serveStatic read (not the admin app's index.html, which answers a path under /assets/ that has no file)
      !modified ||
      !type ||
      !COMPRESSIBLE.test(type) ||
      c.res.headers.has('content-encoding') ||
      !takesGzip(c.req.header('accept-encoding'))
    )
      return;
    const key = `${c.req.path} ${c.res.headers.get('content-length')} ${modified}`;
    let gzip = gzipped.get(key);
    if (gzip) await c.res.body?.cancel();
    else {
      gzip = c.res.arrayBuffer().then((file) => new Uint8Array(gzipSync(file)));
      if (gzipped.size >= FILE_ENTRIES) gzipped.delete(gzipped.keys().next().value!);
      gzipped.set(key, gzip);
      // a read that failed is tried again by the next request
      gzip.catch(() => gzipped.delete(key));
    }
    c.res = new Response(await gzip, c.res);
    c.res.headers.set('content-encoding', 'gzip');
    c.res.headers.delete('content-length');
    c.res.headers.append('vary', 'Accept-Encoding');
  };
}
