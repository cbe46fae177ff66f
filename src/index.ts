import { createApp } from './app';
import { API_DOCUMENT_ASSET } from './api-document';
import { r2Store } from './audit/store';
import { r2PhotoStore } from './platform/photo-store';
import { d1Bindings, d1Databases } from './db/d1';
import { d1SessionDatabases } from './db/d1-session';
import { queue, scheduled, type JobsEnv, type TenantJobMessage } from './jobs';

const app = createApp({
  databases: (env) => d1Databases(env),
  sessions: (env, start, from) => d1SessionDatabases(d1Bindings(env), start, from),
  clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
  auditStore: (env) => (env.AUDIT_ARCHIVE ? r2Store(env.AUDIT_ARCHIVE) : undefined),
  photoStore: (env) => (env.MEETING_PHOTOS ? r2PhotoStore(env.MEETING_PHOTOS) : undefined),
  apiDocument: async (_app, env) => {
    // the pages build's copy (vite.config.ts): a missing file would be the SPA's index.html, not JSON
    const file = await env.ASSETS?.fetch(`https://assets.invalid/${API_DOCUMENT_ASSET}`);
    if (!file?.ok || !file.headers.get('content-type')?.startsWith('application/json'))
      throw new Error(`${API_DOCUMENT_ASSET} is not among the assets: build the pages (npm run build:web) before the Worker`);
    return file.json<object>();
  },
});

export default {
  fetch: app.fetch,
  /** cron triggers (wrangler.toml): fan out per tenant through the jobs queue */
  scheduled,
  /** one tenant's share of a job run per message */
  queue,
} satisfies ExportedHandler<JobsEnv, TenantJobMessage>;
