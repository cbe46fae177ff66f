import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { eq } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { publicRoute } from '../../auth/guard';
import { villages } from '../../db/schema';
import { notFound } from '../../platform/errors';
import { shanghaiYear } from '../../platform/time';
import { idParam, input, yearText } from '../../platform/validate';
import { villageList, villagePage } from './village-page';

/** Villagers' phones on slow networks: let the edge and the browser keep public answers for a while. */
const CACHE = 'public, max-age=300';

/** Error correction "Q" survives a scuffed print on the village office wall. */
export const QR_OPTIONS = { ecc: 'Q', border: 2, pixelSize: 8 } as const;

/** The address a village's QR code opens: the public page, tenant by path parameter unless the host names it. */
export function villagePageUrl(origin: string, tenantSlug: string | undefined, villageId: string): string {
  const params = new URLSearchParams({ ...(tenantSlug ? { t: tenantSlug } : {}), v: villageId });
  return `${origin}/village?${params}`;
}

/** The longest village name the short address carries back to the page when it names no village. */
const TYPED_NAME_MAX = 40;

/**
 * The short address printed under a village's QR code, typed with a phone's Chinese input: /c/<村名> (the
 * host says the township) or /t/<slug>/c/<村名> → that village's public page. The name is unique per township
 * (villages_tenant_name); a name it does not know opens the township's list of villages, saying so.
 */
export async function villageByName(c: Context<AppEnv>) {
  const bySlug = c.req.param('tenant') ? c.var.tenant!.slug : undefined;
  const typed = (c.req.param('name') ?? '').trim();
  const scope = c.var.scope!;
  const [village] = typed
    ? await scope.db.select({ id: villages.id }).from(villages).where(scope.where(villages, eq(villages.name, typed))).limit(1)
    : [];
  if (village) return c.redirect(villagePageUrl('', bySlug, village.id), 302);
  const params = new URLSearchParams({ ...(bySlug ? { t: bySlug } : {}), ...(typed ? { name: typed.slice(0, TYPED_NAME_MAX) } : {}) });
  return c.redirect(`/village${params.size ? `?${params}` : ''}`, 302);
}

/** The villages' public pages: no login, no personal data (see village-page.ts). */
export const publicRoutes = new Hono<AppEnv>()
  .get('/villages', publicRoute(), async (c) => {
    c.header('Cache-Control', CACHE);
    return c.json({ township: { name: c.var.tenant!.name }, items: await villageList(c.var.scope!) });
  })
  .get('/villages/:id', publicRoute(), input('param', idParam), input('query', z.object({ year: z.optional(yearText) })), async (c) => {
    const { id } = c.req.valid('param');
    const page = await villagePage(c.var.scope!, c.var.tenant!, id, c.req.valid('query').year ?? shanghaiYear());
    if (!page) throw notFound('public.village_not_found');
    c.header('Cache-Control', CACHE);
    return c.json(page);
  })
  .get('/villages/:id/qr.svg', publicRoute(), input('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const scope = c.var.scope!;
    if (!(await scope.find(villages, id))) throw notFound('public.village_not_found');
    const url = new URL(c.req.url);
    // behind a TLS-terminating proxy (self-hosted) the request arrives as http; the printed code must say https
    if (c.req.header('x-forwarded-proto') === 'https') url.protocol = 'https:';
    const bySlug = c.req.param('tenant') ? c.var.tenant!.slug : undefined;
    const svg = renderSVG(villagePageUrl(url.origin, bySlug, id), QR_OPTIONS);
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(svg);
  });
