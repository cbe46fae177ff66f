import type { ComponentChildren } from 'preact';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { setLocale, currentLocale } from '../shared/i18n';
import { barPages, cityRatingPath, countyPath, NAV_AREAS, TOWNSHIP_PAGES, type NavArea, type TownshipPage } from './routes';
import { countyOfTownship, isPlatformAdmin, logout, me, myTownships, township, viewedCounties } from './session';
import { t } from './t';

function LanguageButton() {
  return (
    <button type="button" class="secondary small" lang={currentLocale() === 'en' ? 'zh-CN' : 'en'} onClick={() => setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')}>
      {t('app.language')}
    </button>
  );
}

/** One entry of the navigation: a township page, or (a county viewer's home) the county page. */
interface NavLink {
  href: string;
  label: string;
  mark: string;
}

/** The bar's marks, by area (a home has its own): a shape to find an entry by, beside its label. */
const AREA_MARKS: Record<NavArea, string> = { evaluation: '✎', stars: '★', ledgers: '▤', rosters: '☷', settings: '⚙' };
const HOME_MARK = '⌂';

/** The grouped navigation (测评 · 星级 · 台账 · 名册 · 设置): the desktop's sidebar and the phone's drawer. */
function GroupedNav(props: { pages: TownshipPage[]; slug: string; path: string; class: string; onChoose?: (e: MouseEvent, href: string) => void }) {
  return (
    <nav class={props.class} aria-label={t('app.menu')}>
      {NAV_AREAS.map((area) => {
        const pages = props.pages.filter((page) => page.area === area);
        if (!pages.length) return null;
        return (
          <div key={area} class="nav-group" role="group" aria-label={t(`nav.area.${area}`)}>
            <span class="nav-area" aria-hidden="true">
              {t(`nav.area.${area}`)}
            </span>
            {pages.map((page) => {
              const href = `/t/${props.slug}${page.path}`;
              return (
                <a key={page.path} href={href} aria-current={props.path.startsWith(href) ? 'page' : undefined} onClick={props.onChoose && ((e) => props.onChoose!(e, href))}>
                  {t(page.nav!)}
                </a>
              );
            })}
          </div>
        );
      })}
    </nav>
  );
}

/**
 * The phone's drawer: the whole grouped nav as a modal dialog. It takes the focus (the current page's entry,
 * else the first), keeps Tab inside, and closes on Escape, the backdrop, the phone's back button (it holds
 * one history entry while open) or a chosen entry; the focus then returns to the 更多 button.
 */
function Drawer(props: { children: ComponentChildren; onClose(): void }) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = panel.current!;
    (root.querySelector<HTMLElement>('a[aria-current="page"]') ?? root.querySelector<HTMLElement>('a, button'))?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        props.onClose();
      } else if (e.key === 'Tab') {
        const stops = [...root.querySelectorAll<HTMLElement>('a[href], button')];
        const [first, last] = [stops[0], stops[stops.length - 1]];
        if (e.shiftKey ? document.activeElement === first : document.activeElement === last) {
          e.preventDefault();
          (e.shiftKey ? last : first).focus();
        } else if (!root.contains(document.activeElement)) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="drawer-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="drawer" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={panel}>
        <div class="drawer-head">
          <h2 id={titleId}>{t('app.menu')}</h2>
          <button type="button" class="secondary" onClick={props.onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

/** The phone's navigation: a bottom bar of the role's home and most-used pages, and 更多 opening the drawer. */
function PhoneNav(props: { home?: NavLink; pages: TownshipPage[]; nav: TownshipPage[]; slug: string; path: string }) {
  const { route } = useLocation();
  const [open, setOpen] = useState(false);
  const more = useRef<HTMLButtonElement>(null);
  // the drawer holds a history entry of its own: the phone's back button closes it instead of leaving the page.
  // Listened to from the first commit, not from an effect run after the drawer's paint: a back pressed in between was lost.
  useLayoutEffect(() => {
    const onPop = () => setOpen(false);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  // closed again: the focus goes back to the 更多 button (not on the first render)
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) more.current?.focus();
    wasOpen.current = open;
  }, [open]);
  // one back per opening: a double tap on ✕ (or Escape, then the backdrop) before the first back's popstate would
  // go back twice and leave the page
  const goingBack = useRef(false);
  const show = () => {
    goingBack.current = false;
    history.pushState({ drawer: true }, '');
    setOpen(true);
  };
  const close = () => {
    if (!history.state?.drawer) return setOpen(false);
    if (goingBack.current) return;
    goingBack.current = true;
    history.back();
  };
  // a chosen entry replaces the drawer's history entry, so back then returns to the page the drawer was opened on
  const choose = (e: MouseEvent, href: string) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    setOpen(false);
    if (history.state?.drawer) route(href, true);
    else route(href);
  };
  const links: NavLink[] = [
    ...(props.home ? [props.home] : []),
    ...props.pages.map((page) => ({ href: `/t/${props.slug}${page.path}`, label: t(page.nav!), mark: page.area ? AREA_MARKS[page.area] : '•' })),
  ];
  return (
    <>
      <nav class="bottombar" aria-label={t('app.quick_nav')}>
        {links.map((link) => (
          <a key={link.href} href={link.href} aria-current={props.path.startsWith(link.href) ? 'page' : undefined}>
            <span aria-hidden="true" class="nav-mark">
              {link.mark}
            </span>
            <span class="nav-label">{link.label}</span>
          </a>
        ))}
        <button type="button" ref={more} class="nav-more" aria-haspopup="dialog" aria-expanded={open} onClick={show}>
          <span aria-hidden="true" class="nav-mark">
            ☰
          </span>
          {t('app.more')}
        </button>
      </nav>
      {open && (
        <Drawer onClose={close}>
          <GroupedNav class="drawernav" pages={props.nav} slug={props.slug} path={props.path} onChoose={choose} />
        </Drawer>
      )}
    </>
  );
}

/** The frame of every signed-in page: who and where you are, the navigation, language and sign-out. */
export function Shell(props: { children: ComponentChildren }) {
  const { route, path } = useLocation();
  const tw = township.value;
  const nav = tw ? TOWNSHIP_PAGES.filter((page) => page.nav && page.roles.includes(tw.role)) : [];
  const canSwitch = myTownships.value.length > 1 || isPlatformAdmin.value || tw?.role === 'county_viewer';
  // the role's home comes first in the phone's bar: its home page, or a county viewer's county page
  const homePage = tw && TOWNSHIP_PAGES.find((page) => page.home?.includes(tw.role));
  const viewerCounty = tw?.role === 'county_viewer' ? countyOfTownship(tw.slug) : undefined;
  const home: NavLink | undefined = homePage
    ? { href: `/t/${tw!.slug}${homePage.path}`, label: t(homePage.nav!), mark: HOME_MARK }
    : viewerCounty
      ? { href: countyPath(viewerCounty), label: t('county.link'), mark: HOME_MARK }
      : undefined;
  // a county organiser re-checks the township's proposals (评星定级 复核)
  const recheckedCounties = [...new Set((me.value?.roles ?? []).filter((r) => r.role === 'county_organiser' && r.countyId).map((r) => r.countyId!))];
  const confirmingCities = [...new Set((me.value?.roles ?? []).filter((r) => r.role === 'city_organiser' && r.cityId).map((r) => r.cityId!))];
  return (
    <div class={nav.length > 0 ? 'shell has-bar' : 'shell'}>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">★</span>
          <div>
            <strong>{tw?.name ?? t('app.title')}</strong>
            <div class="who">
              {me.value?.name}
              {tw ? ` · ${t(`role.${tw.role}`)}` : isPlatformAdmin.value ? ` · ${t('role.platform_admin')}` : ''}
            </div>
          </div>
        </div>
        <div class="top-actions">
          {/* a county viewer compares the villages of their county (one link per county they view; on a phone the bar holds this township's) */}
          {viewedCounties.value.map((id) => (
            <a key={id} class={id === viewerCounty ? 'button-link in-bar' : 'button-link'} href={countyPath(id)} aria-current={path === countyPath(id) ? 'page' : undefined}>
              {t('county.link')}
            </a>
          ))}
          {recheckedCounties.map((id) => (
            <a key={id} class="button-link" href={`${countyPath(id)}/rating`} aria-current={path === `${countyPath(id)}/rating` ? 'page' : undefined}>
              {t('rating.recheck_link')}
            </a>
          ))}
          {confirmingCities.map((id) => <a key={id} class="button-link" href={cityRatingPath(id)} aria-current={path === cityRatingPath(id) ? 'page' : undefined}>{t('rating.city_link')}</a>)}
          {canSwitch && (
            <a class="button-link" href="/choose">
              {t('app.switch_township')}
            </a>
          )}
          <a class="button-link" href="/account" aria-current={path === '/account' ? 'page' : undefined}>
            {t('nav.security')}
          </a>
          <LanguageButton />
          <button
            type="button"
            class="secondary small"
            onClick={async () => {
              await logout();
              route('/login');
            }}
          >
            {t('app.logout')}
          </button>
        </div>
      </header>
      {nav.length > 0 && <GroupedNav class="mainnav" pages={nav} slug={tw!.slug} path={path} />}
      {tw?.role === 'county_viewer' && <div class="notice">{t('app.read_only')}</div>}
      <main class="content">{props.children}</main>
      {nav.length > 0 && <PhoneNav home={home} pages={barPages(tw!.role)} nav={nav} slug={tw!.slug} path={path} />}
    </div>
  );
}

/** Pages outside the shell (sign-in) still offer the language switch. */
export function Bare(props: { children: ComponentChildren }) {
  return (
    <div class="bare">
      <div class="bare-top">
        <LanguageButton />
      </div>
      {props.children}
    </div>
  );
}
