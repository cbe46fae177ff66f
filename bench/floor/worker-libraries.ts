import { drizzle } from 'drizzle-orm/d1';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { Hono } from 'hono';
import * as z from 'zod/mini';

/**
 * The floor of the Worker's weight: one route on the Worker's libraries (Hono, drizzle over D1, zod/mini),
 * built as the Worker is (scripts/worker-bundle.ts): what any Worker made of them weighs before its features.
 */
const notes = sqliteTable('notes', { id: text('id').primaryKey(), body: text('body').notNull() });
const note = z.object({ id: z.string(), body: z.string().check(z.maxLength(200)) });

export default new Hono<{ Bindings: { DB: D1Database } }>().post('/notes', async (c) => {
  const parsed = note.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ code: 'error.validation' }, 400);
  await drizzle(c.env.DB).insert(notes).values(parsed.data);
  return c.json(parsed.data, 201);
});
