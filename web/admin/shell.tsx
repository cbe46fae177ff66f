import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { setLocale, currentLocale } from '../shared/i18n';
import { cityRatingPath, countyPath, NAV_AREAS, TOWNSHIP_PAGES } from './routes';
import { isPlatformAdmin, logout, me, myTownships, township } from './session';
import { t } from './t';

function LanguageButton() {
  return (
    <button type="button" class="secondary small" lang={currentLocale() === 'en' ? 'zh-CN' : 'en'} onClick={() => setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')}>
      {t('app.language')}
    </button>
  );
}

/** The frame of every signed-in page: who and where you are, the navigation, language and sign-out. */
export function Shell(props: { children: ComponentChildren }) {
  const { route, path } = useLocation();
  const tw = township.value;
  const nav = tw ? TOWNSHIP_PAGES.filter((page) => page.nav && page.roles.includes(tw.role)) : [];
  const canSwitch = myTownships.value.length > 1 || isPlatformAdmin.value || tw?.role === 'county_viewer';
  // a county viewer compares the villages of their county (one link per county they view)
  // on a phone the menu is one sideways row: keep the current page's entry in sight
  useEffect(() => {
    document.querySelector('.mainnav a[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [path]);
  const viewedCounties = [...new Set((me.value?.roles ?? []).filter((r) => r.role === 'county_viewer' && r.countyId).map((r) => r.countyId!))];
  // a county organiser re-checks the township's proposals (评星定级 复核)
  const recheckedCounties = [...new Set((me.value?.roles ?? []).filter((r) => r.role === 'county_organiser' && r.countyId).map((r) => r.countyId!))];
  const confirmingCities = [...new Set((me.value?.roles ?? []).filter((r) => r.role === 'city_organiser' && r.cityId).map((r) => r.cityId!))];
  return (
    <div class="shell">
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
          {viewedCounties.map((id) => (
            <a key={id} class="button-link" href={countyPath(id)} aria-current={path === countyPath(id) ? 'page' : undefined}>
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
      {nav.length > 0 && (
        <nav class="mainnav" aria-label={t('app.menu')}>
          {NAV_AREAS.map((area) => {
            const pages = nav.filter((page) => page.area === area);
            if (!pages.length) return null;
            return (
              <div key={area} class="nav-group" role="group" aria-label={t(`nav.area.${area}`)}>
                <span class="nav-area" aria-hidden="true">
                  {t(`nav.area.${area}`)}
                </span>
                {pages.map((page) => {
                  const href = `/t/${tw!.slug}${page.path}`;
                  return (
                    <a key={page.path} href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                      {t(page.nav!)}
                    </a>
                  );
                })}
              </div>
            );
          })}
        </nav>
      )}
      {tw?.role === 'county_viewer' && <div class="notice">{t('app.read_only')}</div>}
      <main class="content">{props.children}</main>
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
