import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { en, zhCN } from 'zod/locales';
import { AppError } from './errors';
import { isMessageKey, translate, type Locale } from './i18n';

const zodErrorMaps = { 'zh-CN': zhCN().localeError, en: en().localeError } as const;

/** Marker under which route middleware carries its OpenAPI description (read by platform/openapi.ts). */
export const ROUTE_META = Symbol.for('xingping.route-meta');
export type InputTarget = Extract<keyof ValidationTargets, 'json' | 'query' | 'param' | 'form'>;
export interface RouteMeta {
  input?: { target: InputTarget; schema: z.ZodType };
  roles?: readonly string[];
  summary?: string;
  public?: boolean;
}

export function withMeta<T extends object>(middleware: T, meta: RouteMeta): T {
  return Object.assign(middleware, { [ROUTE_META]: meta });
}

/**
 * zod validation at the edge of a route. Every failure throws the one AppError, so all of them reach the
 * one onError; issue messages follow the caller's language.
 */
export function input<Target extends InputTarget, Schema extends z.ZodType>(target: Target, schema: Schema) {
  const middleware = validator(target, async (value, c): Promise<z.output<Schema>> => {
    const locale = (c.get('locale') as Locale | undefined) ?? 'zh-CN';
    const result = await schema.safeParseAsync(value, { error: zodErrorMaps[locale] });
    if (!result.success) {
      const details = result.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: isMessageKey(issue.message) ? translate(locale, issue.message) : issue.message,
      }));
      throw new AppError(400, 'error.validation', {}, details);
    }
    return result.data;
  });
  return withMeta(middleware, { input: { target, schema } });
}

/** An id in a body or a query (ours are 20 characters). */
export const idField = z.string().min(1).max(40);
/** Route param holding an id. */
export const idParam = z.object({ id: idField });
/** A calendar date, YYYY-MM-DD (2026-02-30 is refused). */
export const isoDate = z.iso.date();
/** A calendar month, YYYY-MM. */
export const isoMonth = z.string().regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/);
/** A year in a JSON body. */
export const yearField = z.int().min(2000).max(2100);
/** Paging of a list: spread into its query schema. */
export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};
/** A year in a path or query string. */
export const yearText = z.coerce.number().int().min(2000).max(2100);
