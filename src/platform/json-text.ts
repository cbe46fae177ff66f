import type { Context, TypedResponse } from 'hono';

/**
 * A JSON answer serialised by hand (a cached part spliced into it, say), typed as the value it holds so
 * the pages' client reads it like any `c.json` answer. The caller builds `text` from a value of type T.
 */
export function jsonText<T>(c: Context, text: string): Response & TypedResponse<T, 200, 'json'> {
  return c.body(text, 200, { 'Content-Type': 'application/json' }) as unknown as Response & TypedResponse<T, 200, 'json'>;
}
