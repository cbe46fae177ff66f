import { createApp } from './app';
import { API_DOCUMENT_ASSET } from './api-document';
import { r2Store } from './audit/store';
import { r2PhotoStore } from './platform/photo-store';
import { d1Bindings, d1Databases } from './db/d1';
import { d1SessionDatabases } from './db/d1-session';
import { queue, scheduled, type JobsEnv, type TenantJobMessage } from './jobs';
import { loadCatalogues } from '#messages';
import { assetJson } from './platform/asset-json';

/** The Worker's app on its bindings (D1, R2, the assets): one per isolate in production. */
export const createWorkerApp = () =>
  createApp({
    databases: (env) => d1Databases(env),
    sessions: (env, start, from) => d1SessionDatabases(d1Bindings(env), start, from),
    clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
    auditStore: (env) => (env.AUDIT_ARCHIVE ? r2Store(env.AUDIT_ARCHIVE) : undefined),
    photoStore: (env) => (env.MEETING_PHOTOS ? r2PhotoStore(env.MEETING_PHOTOS) : undefined),
    // the pages build's copy (vite.config.ts)
    apiDocument: (_app, env) => assetJson<object>(env.ASSETS, API_DOCUMENT_ASSET),
    ready: (env) => loadCatalogues(env.ASSETS),
  });

/**
 * The Worker's handlers around an app. Exported with createWorkerApp for the tests' workerd servers, which run
 * this bundle with an app of its own for each server in one isolate (test/support/servers.ts). The entry exports
 * functions only beside its default: a named export that is neither a function nor a handler object fails the
 * Worker's start.
 */
export const workerHandlers = (app: ReturnType<typeof createWorkerApp>) =>
  ({
    fetch: app.fetch,
    // a cron or batch that finds no catalogue fails, and is retried by the platform
    /** cron triggers (wrangler.toml): fan out per tenant through the jobs queue */
    scheduled: async (controller, env, ctx) => {
      await loadCatalogues(env.ASSETS);
      return scheduled(controller, env, ctx);
    },
    /** one tenant's share of a job run per message */
    queue: async (batch, env, ctx) => {
      await loadCatalogues(env.ASSETS);
      return queue(batch, env, ctx);
    },
  }) satisfies ExportedHandler<JobsEnv, TenantJobMessage>;

export default workerHandlers(createWorkerApp());
