import type { ExecutionContext } from 'hono';

/**
 * Workers' waitUntil for a process that has none (Node, the tests' in-process servers): work a request leaves
 * running after its answer, such as sealing the audit chains it appended to (audit/seal.ts), is kept here so a
 * stop waits for it instead of closing the database under it.
 */
export function backgroundWork() {
  const pending = new Set<Promise<unknown>>();
  const context: ExecutionContext = {
    waitUntil(work) {
      const tracked = Promise.resolve(work).catch(() => undefined);
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
    },
    passThroughOnException() {},
    props: {},
  };
  return {
    context,
    /** resolves once nothing is left running (work may start more work) */
    async settled(): Promise<void> {
      while (pending.size) await Promise.all(pending);
    },
  };
}

export type BackgroundWork = ReturnType<typeof backgroundWork>;
