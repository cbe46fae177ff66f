import { Hono } from 'hono';
import { FLOOR_INSERT, floorArgs, type FloorRow } from './statement';

/** Bare Hono route on workerd + the same local D1: the ingestion floor. */
const app = new Hono<{ Bindings: { DB: D1Database } }>().post('/floor', async (c) => {
  const row = (await c.req.json()) as FloorRow;
  await c.env.DB.prepare(FLOOR_INSERT)
    .bind(...floorArgs(row))
    .run();
  return c.json({ ok: true }, 201);
});
export default app;
