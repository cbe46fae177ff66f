import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { sealChain } from './chain';

/**
 * Seals the chains a request appended to once it has answered: in the Worker through waitUntil, in Node
 * after the response (the nightly cron catches up whatever a crash left unsealed). The caller never waits.
 */
export const sealAfterResponse = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const touched = c.get('auditChains');
  if (!touched?.size) return;
  const sealing = (async () => {
    for (const [db, chains] of touched) for (const chain of chains) await sealChain(db, chain);
  })().catch((error) => console.error(`[${c.var.requestId}] audit: sealing failed`, error));
  try {
    c.executionCtx.waitUntil(sealing);
  } catch {
    // a caller that gives no execution context (Node's servers give one, platform/background.ts): the promise runs on after the answer
  }
});
