import { createApp } from './app';
import type { Env } from './app-env';
import { d1Database } from './db/d1';

const app = createApp({
  database: (env) => d1Database(env.DB),
  clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
});

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
