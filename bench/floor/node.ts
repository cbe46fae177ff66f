import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openLibsql } from '../../src/db/libsql';
import { FLOOR_INSERT, floorArgs, type FloorRow } from './statement';

/** Bare Hono route on Node + the same libSQL file: the ingestion floor. */
const { client } = await openLibsql();
const app = new Hono().post('/floor', async (c) => {
  const row = (await c.req.json()) as FloorRow;
  await client.execute({ sql: FLOOR_INSERT, args: floorArgs(row) });
  return c.json({ ok: true }, 201);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('floor ready'));
