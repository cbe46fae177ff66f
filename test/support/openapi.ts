import type { ApiClient } from './client';
import type { Driver } from './servers';

/** A GET route as /api/openapi.json documents it: its path template, the roles allowed and its query parameters. */
export interface DocumentedRead {
  path: string;
  roles: string[];
  query: { name: string; required: boolean }[];
}

type PathItem = Record<string, { 'x-roles': string[]; parameters?: { name: string; in: string; required: boolean }[] }>;

/** Every GET route of the API's OpenAPI document: suites that walk all reads start from here, so a new route is covered. */
export async function documentedReads(client: ApiClient): Promise<DocumentedRead[]> {
  const doc = (await client.get('/api/openapi.json')).body as { paths: Record<string, PathItem> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    methods.get ? [{ path, roles: methods.get['x-roles'], query: (methods.get.parameters ?? []).filter((p) => p.in === 'query') }] : [],
  );
}

/**
 * The operations a walk of the guards sends on `driver`. Who may call a route (anonymous 401, a role it does
 * not list 403, another tenant or county 404) is decided by the shared app's middleware (the session, the
 * tenant resolution and the route's `allow(...)` guard), the same code on both drivers, before the handler runs a query of its
 * own; what that middleware reads (the session, the tenant, the grants) is the same few queries for every route.
 * So the whole walk runs on libSQL (the faster), and on workerd one operation per area and method shows that
 * the Worker's entry puts the same guards in front of its routes and that their queries run on D1.
 */
export function guardWalk<T extends { method: string; path: string }>(driver: Driver, operations: T[]): T[] {
  if (driver === 'libsql') return operations;
  const areas = new Set<string>();
  return operations.filter((op) => {
    const area = `${op.method} ${/^(\/t\/\{tenant\})?\/api\/[^/]+/.exec(op.path)?.[0] ?? op.path}`;
    if (areas.has(area)) return false;
    areas.add(area);
    return true;
  });
}
