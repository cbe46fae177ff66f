import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { AppError } from '../platform/errors';
import { cachedTenant } from './tenant';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser's Origin is one of this app's own: the request's own host (a path-prefixed install,
 * /t/<slug>/api, lives there), the base domain and its one-label tenant sub-domains, or a host name
 * registered for a township. Host names are compared without scheme or port: cookies are not scoped by
 * either, so another port of the same host could use them anyway.
 */
async function isOwnOrigin(c: Context<AppEnv>, origin: string): Promise<boolean> {
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    host = url.hostname.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a file) and anything unparsable
  }
  if (host === new URL(c.req.url).hostname.toLowerCase()) return true;
  const base = c.env.BASE_DOMAIN?.toLowerCase();
  if (base && (host === base || (host.endsWith(`.${base}`) && !host.slice(0, -base.length - 1).includes('.')))) return true;
  return (await cachedTenant(c.var.memo, c.var.registry, { host, baseDomain: base })) !== undefined;
}

/**
 * CSRF: every unsafe request is checked, whatever its content type (hono/csrf looks at form types only,
 * and a JSON write from a foreign page is as dangerous). A foreign Origin is refused, cookies or not (a
 * login from a foreign page is refused too). Without Origin, Sec-Fetch-Site must say same-origin; a
 * request that says neither is refused if it carries a cookie (a session, a ballot pass: ambient
 * credentials), and allowed otherwise (a script without cookies proves who it is in its body).
 */
export const sameOriginWrites = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    if (!(await isOwnOrigin(c, origin))) throw new AppError(403, 'error.cross_origin');
    return next();
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) {
    if (site !== 'same-origin' && site !== 'none') throw new AppError(403, 'error.cross_origin');
    return next();
  }
  if (c.req.header('cookie')) throw new AppError(403, 'error.origin_required');
  return next();
});
