import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { countyPath, firstPage, type TownshipPage } from './routes';
import { isPlatformAdmin, loadTownship, me, myTownships, township, viewedCounties } from './session';
import { Shell } from './shell';
import { t } from './t';
import { ErrorBox, useLoad } from './ui';

/**
 * Where a signed-in account starts: a county viewer's county page (the county comparison is their home), its
 * only township, the registry (platform admin), or the chooser.
 */
export function startPath(): string {
  if (!me.value) return '/login';
  const counties = viewedCounties.value;
  if (counties.length === 1 && me.value.roles.every((r) => r.role === 'county_viewer')) return countyPath(counties[0]);
  const townships = myTownships.value;
  if (townships.length === 1 && !isPlatformAdmin.value) return `/t/${townships[0].slug}`;
  if (townships.length === 0 && isPlatformAdmin.value) return '/platform';
  return '/choose';
}

/** Sends the browser on (replacing history); `to` '' means the account's start page. */
export function Redirect(props: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(props.to || startPath(), true), [props.to]);
  return null;
}

/** Signed-out visitors go to the sign-in page and come back afterwards. */
export function RequireLogin(props: { children: preact.ComponentChildren }) {
  const { url } = useLocation();
  if (!me.value) return <Redirect to={`/login?next=${encodeURIComponent(url)}`} />;
  return <>{props.children}</>;
}

function useTownship(slug: string) {
  return useLoad(() => (me.value ? loadTownship(slug) : Promise.resolve()), [slug, me.value]);
}

/** A township page: sign-in check, the township and role, the role check, then the page inside the shell. */
export function TownshipFrame(props: { slug: string; page: TownshipPage }) {
  const state = useTownship(props.slug);
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  const tw = township.value;
  if (state.error) return <Shell><ErrorBox error={state.error} /></Shell>;
  if (!tw || tw.slug !== props.slug) return <p class="loading">{t('app.loading')}</p>;
  const Page = props.page.component;
  return (
    <Shell>
      {props.page.roles.includes(tw.role) ? <Page key={props.slug} slug={props.slug} /> : <p class="error">{t('app.forbidden')}</p>}
    </Shell>
  );
}

/** /t/<slug>: the role's first page. */
export function TownshipHome(props: { slug: string }) {
  const state = useTownship(props.slug);
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  if (state.error) return <Shell><ErrorBox error={state.error} /></Shell>;
  const tw = township.value;
  if (!tw || tw.slug !== props.slug) return <p class="loading">{t('app.loading')}</p>;
  const page = firstPage(tw.role);
  if (!page) return <Shell><p>{t('app.no_pages')}</p></Shell>;
  return <Redirect to={`/t/${props.slug}${page.path}`} />;
}

export function NotFound() {
  return (
    <main class="content">
      <h1>{t('app.not_found')}</h1>
      <a href="/">{t('app.back_home')}</a>
    </main>
  );
}
