/**
 * What a tab does when a page's code (its chunk under /assets/) does not load. Both servers answer a name no build
 * has with the admin app's index.html, which a module import refuses, so the two causes look alike in the tab: a
 * network that dropped, or a deployment that replaced the chunks while the tab was open (a township office keeps
 * the admin app open all day). The page this URL serves now tells them apart: if it no longer names this tab's
 * entry script, a new build is there and a reload lands on it; else the tab says so and offers the reload.
 * No DOM here: the rule is tested on its own (test/rules/page-chunk.test.ts).
 */
export type ChunkFailureAction = 'reload' | 'explain';

/** A reload of this kind is done at most once a minute: a build whose chunks fail to load as well does not loop. */
export const RELOAD_AGAIN_AFTER_MS = 60_000;

export function chunkFailureAction(failure: {
  /** the src of this tab's entry script (e.g. /assets/index-CIAV3l_Z.js) */
  entryScript: string | undefined;
  /** the page this URL serves now, or undefined if it could not be fetched (the network) */
  servedPage: string | undefined;
  /** when this tab last reloaded for this reason (ms since the epoch) */
  lastReloadAt: number | undefined;
  now: number;
}): ChunkFailureAction {
  const { entryScript, servedPage, lastReloadAt, now } = failure;
  if (!entryScript || servedPage === undefined || servedPage.includes(entryScript)) return 'explain';
  if (lastReloadAt !== undefined && now - lastReloadAt >= 0 && now - lastReloadAt < RELOAD_AGAIN_AFTER_MS) return 'explain';
  return 'reload';
}
