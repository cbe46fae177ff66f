/**
 * What a tab does when a page's code (its chunk under /assets/) does not load. Both servers answer a name no build
 * has with the admin app's index.html, which a module import refuses, so the two causes look alike in the tab: a
 * network that dropped, or a deployment that replaced the chunks while the tab was open (a township office keeps
 * the admin app open all day). The page this URL serves now tells them apart: if it names another entry script, a
 * new build is there and a reload lands on it; else (the same entry, no answer, or a page with no entry script,
 * such as a hotspot's sign-in page) the tab says so and offers the reload.
 * No DOM here: the rule is tested on its own (test/rules/page-chunk.test.ts).
 */
export type ChunkFailureAction = 'reload' | 'explain';

/** A reload of this kind is done at most once a minute. */
export const RELOAD_AGAIN_AFTER_MS = 60_000;

/** The tab's last reload of this kind: toward which entry script, and when (ms since the epoch). */
export interface LastReload {
  entry: string;
  at: number;
}

export function chunkFailureAction(failure: {
  /** the src of this tab's entry script (e.g. /assets/index-CIAV3l_Z.js) */
  entryScript: string | undefined;
  /** the entry script of the page this URL serves now; undefined if it could not be fetched or names none */
  servedEntry: string | undefined;
  lastReload: LastReload | undefined;
  now: number;
}): ChunkFailureAction {
  const { entryScript, servedEntry, lastReload, now } = failure;
  if (!entryScript || !servedEntry || servedEntry === entryScript) return 'explain';
  if (lastReload) {
    // never toward the same build twice: servers that take turns (a rolling restart) cannot make it loop
    if (lastReload.entry === servedEntry) return 'explain';
    if (now - lastReload.at >= 0 && now - lastReload.at < RELOAD_AGAIN_AFTER_MS) return 'explain';
  }
  return 'reload';
}
