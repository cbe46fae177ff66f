import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call, platform } from '../../shared/api';
import { RequireLogin } from '../frame';
import { countyPath } from '../routes';
import { isPlatformAdmin, me, myTownships } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { Field, useLoad } from '../ui';

/** The platform admin may open the comparison of any county: one entry per county of the registry. */
function CountyChoices() {
  const counties = useLoad(() => call(platform.counties.$get()), []);
  if (!counties.data?.length) return null;
  return (
    <ul class="choices county-choices">
      {counties.data.map((county) => (
        <li key={county.id}>
          <a class="choice" href={countyPath(county.id)}>
            {t('county.link_named', { county: county.name })}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Accounts with several townships (or a county viewer, or the platform admin) pick where to work. */
export function ChoosePage() {
  const { route } = useLocation();
  const [slug, setSlug] = useState('');
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  const townships = myTownships.value;
  const countyViewer = me.value.roles.some((r) => r.role === 'county_viewer');
  const viewedCounties = [...new Set(me.value.roles.filter((r) => r.role === 'county_viewer' && r.countyId).map((r) => r.countyId!))];
  return (
    <Shell>
      <h1>{t('choose.title')}</h1>
      {viewedCounties.length > 0 && (
        <ul class="choices county-choices">
          {viewedCounties.map((id) => (
            <li key={id}>
              <a class="choice" href={countyPath(id)}>
                {t('county.link')}
              </a>
            </li>
          ))}
        </ul>
      )}
      {townships.length > 0 ? (
        <ul class="choices">
          {townships.map((tw) => (
            <li key={tw.slug}>
              <a class="choice" href={`/t/${tw.slug}`}>
                {tw.name} <span class="muted">{tw.slug}</span>
              </a>
            </li>
          ))}
        </ul>
      ) : (
        !countyViewer && !isPlatformAdmin.value && <p>{t('choose.none')}</p>
      )}
      {isPlatformAdmin.value && (
        <p>
          <a class="choice" href="/platform">
            {t('choose.platform')}
          </a>
        </p>
      )}
      {isPlatformAdmin.value && <CountyChoices />}
      {countyViewer && townships.length === 0 && (
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            if (slug.trim()) route(`/t/${slug.trim().toLowerCase()}`);
          }}
        >
          <p class="muted">{t('choose.county_hint')}</p>
          <Field label={t('choose.slug_label')}>
            {(id) => <input id={id} value={slug} pattern="[a-zA-Z0-9-]+" onInput={(e) => setSlug(e.currentTarget.value)} />}
          </Field>
          <button type="submit">{t('choose.open')}</button>
        </form>
      )}
    </Shell>
  );
}
