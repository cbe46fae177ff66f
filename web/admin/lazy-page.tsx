import type { ComponentType } from 'preact';
import { lazy } from 'preact-iso';
import { chunkFailureAction, type LastReload } from './page-chunk';
import { t } from './t';

const RELOADED = 'xingping.chunk-reload';
/** How long the tab waits for its address's page before it explains instead (a network that drops chunks stalls too). */
const LOOK_TIMEOUT_MS = 8_000;
/** How long the page waits for the reload it asked for before it explains instead. */
const RELOAD_TIMEOUT_MS = 10_000;

/**
 * The tab's last reload for a page's code, in sessionStorage (it outlives the reload, not the tab). A WeChat web
 * view or a private window may refuse it: a reload that could not be remembered is not made, so none loops.
 */
const lastReload = {
  get(): LastReload | undefined {
    try {
      const kept = JSON.parse(sessionStorage.getItem(RELOADED) ?? 'null') as Partial<LastReload> | null;
      return typeof kept?.entry === 'string' && typeof kept.at === 'number' ? { entry: kept.entry, at: kept.at } : undefined;
    } catch {
      return undefined;
    }
  },
  /** whether it was remembered */
  set(reload: LastReload): boolean {
    try {
      const text = JSON.stringify(reload);
      sessionStorage.setItem(RELOADED, text);
      return sessionStorage.getItem(RELOADED) === text;
    } catch {
      return false;
    }
  },
};

const ENTRY_SCRIPT = 'script[type="module"][src]';
const after = <T,>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** The entry script of the page this tab's address serves now, unless the network is down (or slower than 8 s). */
async function servedEntry(): Promise<string | undefined> {
  const look = (async () => {
    try {
      const answer = await fetch(location.href, { cache: 'no-store', credentials: 'same-origin' });
      if (!answer.ok) return undefined;
      const page = new DOMParser().parseFromString(await answer.text(), 'text/html');
      return page.querySelector(ENTRY_SCRIPT)?.getAttribute('src') ?? undefined;
    } catch {
      return undefined;
    }
  })();
  return Promise.race([look, after(LOOK_TIMEOUT_MS, undefined)]);
}

/** What stands where a page could not load: the reason, and the reload that brings it. */
function PageNotLoaded() {
  return (
    <div class="error" role="alert">
      <p>{t('app.page_not_loaded')}</p>
      <button type="button" onClick={() => location.reload()}>
        {t('app.reload')}
      </button>
    </div>
  );
}

/**
 * A page loaded when first opened, as preact-iso's `lazy`, whose load never fails: preact-iso keeps a failed load
 * and its router waits on it for good (the menu's link then does nothing until the tab is reloaded by hand). A tab
 * whose server has a new build reloads onto it; otherwise the page says it did not load (page-chunk.ts). preact-iso
 * keeps that answer too: the page says so on every later visit in this tab, until its button reloads the tab.
 */
export function lazyPage<P>(load: () => Promise<ComponentType<P>>) {
  return lazy(() =>
    load().catch(async (): Promise<ComponentType<P>> => {
      const entry = await servedEntry();
      const action = chunkFailureAction({
        entryScript: document.querySelector(ENTRY_SCRIPT)?.getAttribute('src') ?? undefined,
        servedEntry: entry,
        lastReload: lastReload.get(),
        now: Date.now(),
      });
      if (action === 'explain' || !entry || !lastReload.set({ entry, at: Date.now() })) return PageNotLoaded;
      location.reload();
      // the page stays as it is (loading) until the reload replaces it, or says so if the reload does not come
      return after(RELOAD_TIMEOUT_MS, PageNotLoaded);
    }),
  );
}
