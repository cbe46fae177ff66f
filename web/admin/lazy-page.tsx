import type { ComponentType } from 'preact';
import { lazy } from 'preact-iso';
import { chunkFailureAction } from './page-chunk';
import { t } from './t';

const RELOADED_AT = 'xingping.chunk-reload-at';

/**
 * When this tab last reloaded for a page's code, in sessionStorage (it outlives the reload, not the tab). A WeChat
 * web view or a private window may refuse it: a reload that could not be remembered is not made, so none loops.
 */
const lastReload = {
  get(): number | undefined {
    try {
      const value = Number(sessionStorage.getItem(RELOADED_AT));
      return value > 0 ? value : undefined;
    } catch {
      return undefined;
    }
  },
  /** whether it was remembered */
  set(at: number): boolean {
    try {
      sessionStorage.setItem(RELOADED_AT, String(at));
      return sessionStorage.getItem(RELOADED_AT) === String(at);
    } catch {
      return false;
    }
  },
};

/** The page this tab's URL serves now, unless the network is down. */
async function servedPage(): Promise<string | undefined> {
  try {
    const answer = await fetch(location.href, { cache: 'no-store', credentials: 'same-origin' });
    return answer.ok ? await answer.text() : undefined;
  } catch {
    return undefined;
  }
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
 * whose server has a new build reloads onto it; otherwise the page says it did not load (page-chunk.ts).
 */
export function lazyPage<P>(load: () => Promise<ComponentType<P>>) {
  return lazy(() =>
    load().catch(async (): Promise<ComponentType<P>> => {
      const action = chunkFailureAction({
        entryScript: document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.getAttribute('src') ?? undefined,
        servedPage: await servedPage(),
        lastReloadAt: lastReload.get(),
        now: Date.now(),
      });
      if (action === 'explain' || !lastReload.set(Date.now())) return PageNotLoaded;
      location.reload();
      // the page stays as it is (loading) until the reload replaces it
      return new Promise<never>(() => undefined);
    }),
  );
}
