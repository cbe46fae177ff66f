import type { ApiClient } from './client';

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
