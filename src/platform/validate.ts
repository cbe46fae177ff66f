import type { Env, Input, MiddlewareHandler, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import * as z from 'zod/mini';
import { en, zhCN } from 'zod/locales';
import { AppError } from './errors';
import { isMessageKey, translate, type Locale } from './i18n';

const zodErrorMaps = { 'zh-CN': zhCN().localeError, en: en().localeError } as const;

/** Marker under which route middleware carries its OpenAPI description (read by platform/openapi.ts). */
export const ROUTE_META = Symbol.for('xingping.route-meta');
export type InputTarget = Extract<keyof ValidationTargets, 'json' | 'query' | 'param' | 'form'>;
export interface RouteMeta {
  input?: { target: InputTarget; schema: z.ZodMiniType };
  roles?: readonly string[];
  summary?: string;
  public?: boolean;
}

export function withMeta<T extends object>(middleware: T, meta: RouteMeta): T {
  return Object.assign(middleware, { [ROUTE_META]: meta });
}

/**
 * zod validation at the edge of a route. Every failure throws the one AppError, so all of them reach the
 * one onError; issue messages follow the caller's language. A JSON body is checked strictly: every
 * object in it refuses keys its schema does not name (see `strictBody`), so a client bug or a probe is
 * a 400 naming the key instead of a field silently dropped.
 */
export function input<
  Target extends InputTarget,
  Schema extends z.ZodMiniType,
  E extends Env = any,
  P extends string = string,
  In = z.input<Schema>,
  Out = z.output<Schema>,
  I extends Input = {
    in: undefined extends In
      ? { [K in Target]?: CallerInput<In, K> }
      : { [K in Target]: CallerInput<In, K> };
    out: { [K in Target]: Out };
  },
>(target: Target, schema: Schema): MiddlewareHandler<E, P, I> {
  // made strict at the route's first use, not as the app starts: a Worker's isolate starts with every route's
  // schema and serves a few of them (~8 ms of CPU for all in Node, more in a cold isolate)
  let strict: Schema | undefined;
  const checked = () => (strict ??= target === 'json' ? strictBody(schema) : schema);
  const middleware = validator(target, async (value, c): Promise<z.output<Schema>> => {
    const locale = (c.get('locale') as Locale | undefined) ?? 'zh-CN';
    const result = await checked().safeParseAsync(value, { error: zodErrorMaps[locale] });
    if (!result.success) {
      const unknown: string[] = [];
      const details = result.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys')
          return issue.keys.map((key) => {
            unknown.push(key);
            return { path: [...issue.path, key].join('.'), message: translate(locale, 'validation.unknown_field', { field: key }) };
          });
        return [{ path: issue.path.join('.'), message: isMessageKey(issue.message) ? translate(locale, issue.message) : issue.message }];
      });
      // only unknown keys: the message itself names them (the phone page shows a refused ballot's message, not its details)
      if (unknown.length === details.length) {
        const named = [...new Set(unknown)].map((key) => (key.length > 40 ? `${key.slice(0, 40)}…` : key));
        throw new AppError(400, 'error.unknown_fields', { fields: named.slice(0, 5).join(', ') + (named.length > 5 ? ', …' : '') }, details.slice(0, 20));
      }
      throw new AppError(400, 'error.validation', {}, details);
    }
    return result.data as z.output<Schema>;
  });
  return withMeta(middleware as unknown as MiddlewareHandler<E, P, I>, {
    input: {
      target,
      get schema() {
        return checked();
      },
    },
  });
}

/**
 * What a caller sends for one target: zod's input type (a field with a default stays optional), as
 * @hono/zod-validator types it; a query or path field the schema coerces is typed as the text it arrives as.
 */
type CallerInput<In, Target extends InputTarget> = In extends ValidationTargets[Target]
  ? In
  : { [Key in keyof In]: In[Key] extends ValidationTargets[Target][Key] ? In[Key] : ValidationTargets[Target][Key] };

const strictCache = new WeakMap<z.ZodMiniType, z.ZodMiniType>();

/**
 * The schema with every object in it made strict (an unknown key is an `unrecognized_keys` issue), through
 * optional, nullable, default, arrays, records, unions and pipes; refinements are kept. An object that is
 * meant to take any key says so (`z.looseObject`, `.catchall()`, or a `z.record`) and is left as it is.
 */
function strictBody<Schema extends z.ZodMiniType>(schema: Schema): Schema {
  const cached = strictCache.get(schema);
  if (cached) return cached as Schema;
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  const clone = (changes: Record<string, unknown>) => (schema as unknown as { clone(def: object): z.ZodMiniType }).clone({ ...def, ...changes });
  let strict: z.ZodMiniType;
  switch (def.type) {
    case 'object':
      strict = clone({
        shape: Object.fromEntries(Object.entries(def.shape as Record<string, z.ZodMiniType>).map(([key, field]) => [key, strictBody(field)])),
        catchall: def.catchall ?? z.never(),
      });
      break;
    case 'array':
      strict = clone({ element: strictBody(def.element) });
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      strict = clone({ innerType: strictBody(def.innerType) });
      break;
    case 'pipe':
      strict = clone({ in: strictBody(def.in) });
      break;
    case 'union':
      strict = clone({ options: (def.options as z.ZodMiniType[]).map((option) => strictBody(option)) });
      break;
    case 'record':
      strict = clone({ valueType: strictBody(def.valueType) });
      break;
    default:
      strict = schema; // scalars; intersections and lazy schemas are taken as written
  }
  strictCache.set(schema, strict);
  return strict as Schema;
}

/** An id in a body or a query (ours are 20 characters). */
export const idField = z.string().check(z.minLength(1), z.maxLength(40));
/** Route param holding an id. */
export const idParam = z.object({ id: idField });
/** A calendar date, YYYY-MM-DD (2026-02-30 is refused). */
export const isoDate = z.iso.date();
/** A calendar month, YYYY-MM. */
export const isoMonth = z.string().check(z.regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/));
/** A year in a JSON body. */
export const yearField = z.int().check(z.gte(2000), z.lte(2100));
/** Paging of a list: spread into its query schema. */
export const paging = {
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
  offset: z._default(z.coerce.number().check(z.int(), z.gte(0)), 0),
};
/** A year in a path or query string. */
export const yearText = z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100));
