import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { RequireLogin } from '../frame';
import { isPlatformAdmin, me, myTownships } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { Field } from '../ui';

/** Accounts with several townships (or a county viewer, or the platform admin) pick where to work. */
export function ChoosePage() {
  const { route } = useLocation();
  const [slug, setSlug] = useState('');
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  const townships = myTownships.value;
  const countyViewer = me.value.roles.some((r) => r.role === 'county_viewer');
  return (
    <Shell>
      <h1>{t('choose.title')}</h1>
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
