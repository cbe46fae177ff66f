import type { Hono } from 'hono';
import * as z from 'zod/mini';
import { ROUTE_META, type RouteMeta } from './validate';

export interface Operation {
  method: string;
  path: string;
  inputs: NonNullable<RouteMeta['input']>[];
  roles?: readonly string[];
  summary?: string;
  public?: boolean;
}

/** Lists the app's operations with the metadata their middleware carries (validators, role guards). */
function listOperations(app: Hono<any>): Operation[] {
  const byKey = new Map<string, Operation>();
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    const key = `${route.method} ${route.path}`;
    const op: Operation = byKey.get(key) ?? { method: route.method, path: route.path, inputs: [] };
    const { input, ...rest } = (route.handler as unknown as Record<symbol, RouteMeta | undefined>)[ROUTE_META] ?? {};
    if (input) op.inputs.push(input);
    byKey.set(key, Object.assign(op, rest));
  }
  return [...byKey.values()];
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** OpenAPI 3.1 document generated from the very zod schemas the routes validate with. */
export function openApiDocument(app: Hono<any>, options: { title: string; version: string; include: (path: string) => boolean }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of listOperations(app)) {
    if (!options.include(op.path)) continue;
    const parameters = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    let requestBody: unknown;
    for (const { target, schema } of op.inputs) {
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      if (target === 'json' || target === 'form') {
        requestBody = {
          required: true,
          content: { [target === 'json' ? 'application/json' : 'multipart/form-data']: { schema: json } },
        };
      } else if (target === 'query') {
        for (const [name, schema] of Object.entries(json.properties ?? {}))
          parameters.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema } as never);
      }
    }
    paths[toOpenApiPath(op.path)] ??= {};
    paths[toOpenApiPath(op.path)][op.method.toLowerCase()] = {
      ...(op.summary ? { summary: op.summary } : {}),
      'x-roles': op.public ? ['public'] : (op.roles ?? []),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: {
        '200': { description: 'OK' },
        default: { description: 'Problem', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version },
    paths,
    components: {
      schemas: {
        Problem: {
          type: 'object',
          required: ['code', 'message', 'requestId'],
          properties: {
            code: { type: 'string' },
            message: { type: 'string' },
            details: {},
            requestId: { type: 'string' },
          },
        },
      },
    },
  };
}
