import type { AuditStore } from '../audit/store';
import type { Databases } from '../db/databases';
import { AUDIT_ARCHIVE_CRON, CRONS, nextCronTime } from './cron';
import { inlineDispatch } from './runner';
import { runCron } from './worker';

/** setTimeout holds at most 2^31-1 ms (~24.8 days); longer waits re-arm. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * The self-hosted scheduler: the same crons as wrangler.toml, fired in this process, each run looping
 * over the tenants. Returns a stop function.
 */
export function startNodeScheduler(databases: Databases, options: { now?: () => Date; log?: (line: string) => void; auditStore?: AuditStore } = {}): () => void {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line) => console.log(line));
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let stopped = false;

  const arm = (cron: string) => {
    if (stopped) return;
    const at = nextCronTime(cron, now());
    const wait = Math.min(Math.max(0, at.getTime() - now().getTime()), MAX_TIMEOUT);
    const timer = setTimeout(async () => {
      if (now() >= at) {
        try {
          const runId = await runCron(databases, cron, at, inlineDispatch(databases), options.auditStore);
          log(`[jobs] ${cron}: run ${runId} finished`);
        } catch (error) {
          console.error(`[jobs] ${cron} failed`, error);
        }
      }
      arm(cron);
    }, wait);
    timer.unref?.();
    timers.set(cron, timer);
  };

  for (const cron of [...Object.keys(CRONS), AUDIT_ARCHIVE_CRON]) arm(cron);
  return () => {
    stopped = true;
    for (const timer of timers.values()) clearTimeout(timer);
  };
}
