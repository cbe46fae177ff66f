import { useEffect, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { RequireLogin } from '../frame';
import { isPlatformAdmin, me, township } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { ErrorBox, Field, Form, nameChoices, SelectField, Table, useLoad, useSubmit } from '../ui';

interface City { id: string; name: string }
interface County { id: string; cityId: string; name: string }
interface Tenant { id: string; slug: string; name: string; countyId: string; county: string }

const PLATFORM = '/api/platform';

function useText(initial = '') {
  const [value, set] = useState(initial);
  return { value, set, bind: { value, onInput: (e: Event) => set((e.currentTarget as HTMLInputElement).value) } };
}

function CityForm(props: { onDone(): void }) {
  const name = useText();
  const submit = useSubmit(async () => {
    await api.post(`${PLATFORM}/cities`, { name: name.value.trim() });
    name.set('');
    props.onDone();
  });
  return (
    <Form class="inline-form" onSubmit={submit.run}>
      <Field label={t('registry.name')}>{(id) => <input id={id} required maxLength={40} {...name.bind} />}</Field>
      <button type="submit" disabled={submit.busy}>{t('registry.new_city')}</button>
      <ErrorBox error={submit.error} />
    </Form>
  );
}

function CountyForm(props: { cities: City[]; onDone(): void }) {
  const [cityId, setCityId] = useState('');
  const name = useText();
  const submit = useSubmit(async () => {
    await api.post(`${PLATFORM}/counties`, { cityId, name: name.value.trim() });
    name.set('');
    props.onDone();
  });
  return (
    <Form class="inline-form" onSubmit={submit.run}>
      <SelectField label={t('registry.city')} required value={cityId} onChange={setCityId} placeholder="—" options={nameChoices(props.cities)} />
      <Field label={t('registry.name')}>{(id) => <input id={id} required maxLength={40} {...name.bind} />}</Field>
      <button type="submit" disabled={submit.busy}>{t('registry.new_county')}</button>
      <ErrorBox error={submit.error} />
    </Form>
  );
}

function TownshipForm(props: { counties: County[]; onDone(): void }) {
  const [countyId, setCountyId] = useState('');
  const slug = useText();
  const name = useText();
  const adminName = useText();
  const adminPhone = useText();
  const adminPassword = useText();
  const submit = useSubmit(async () => {
    await api.post(`${PLATFORM}/tenants`, {
      countyId,
      slug: slug.value.trim().toLowerCase(),
      name: name.value.trim(),
      admin: { name: adminName.value.trim(), phone: adminPhone.value.trim(), password: adminPassword.value },
    });
    for (const field of [slug, name, adminName, adminPhone, adminPassword]) field.set('');
    props.onDone();
  });
  const labels = { slug: t('registry.slug_short'), name: t('registry.name'), 'admin.name': t('accounts.name'), 'admin.phone': t('accounts.phone'), 'admin.password': t('accounts.password') };
  return (
    <Form class="card" onSubmit={submit.run}>
      <h3>{t('registry.new_township')}</h3>
      <div class="form-grid">
        <SelectField label={t('registry.county')} required value={countyId} onChange={setCountyId} placeholder="—" options={nameChoices(props.counties)} />
        <Field label={t('registry.name')}>{(id) => <input id={id} required maxLength={40} {...name.bind} />}</Field>
        <Field label={t('registry.slug')}>{(id) => <input id={id} required pattern="[a-z][a-z0-9-]{1,39}" autoCapitalize="off" {...slug.bind} />}</Field>
      </div>
      <fieldset>
        <legend>{t('registry.admin')}</legend>
        <div class="form-grid">
          <Field label={t('accounts.name')}>{(id) => <input id={id} required maxLength={40} {...adminName.bind} />}</Field>
          <Field label={t('accounts.phone')}>{(id) => <input id={id} type="tel" required pattern="1[0-9]{10}" maxLength={11} {...adminPhone.bind} />}</Field>
          <Field label={t('accounts.password')}>{(id) => <input id={id} type="password" autoComplete="new-password" required minLength={8} {...adminPassword.bind} />}</Field>
        </div>
      </fieldset>
      <ErrorBox error={submit.error} labels={labels} />
      <button type="submit" disabled={submit.busy}>{submit.busy ? t('common.saving') : t('registry.new_township')}</button>
    </Form>
  );
}

/** The platform admin's registry: cities, counties and townships (each created with its first admin). */
export function RegistryPage() {
  useEffect(() => void (township.value = undefined), []);
  const data = useLoad(
    () =>
      isPlatformAdmin.value
        ? Promise.all([api.get<City[]>(`${PLATFORM}/cities`), api.get<County[]>(`${PLATFORM}/counties`), api.get<Tenant[]>(`${PLATFORM}/tenants`)])
        : Promise.resolve(undefined),
    [],
  );
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  if (!isPlatformAdmin.value) return <Shell><p class="error">{t('app.forbidden')}</p></Shell>;
  const [cities = [], counties = [], tenants = []] = data.data ?? [];
  const cityName = new Map(cities.map((c) => [c.id, c.name]));
  return (
    <Shell>
      <div class="page-head">
        <h1>{t('registry.title')}</h1>
        <a class="button-link" href="/platform/jobs">{t('nav.jobs')}</a>
      </div>
      <ErrorBox error={data.error} />
      <section class="card">
        <h2>{t('registry.townships')}</h2>
        <Table
          head={
            <tr>
              <th scope="col">{t('registry.name')}</th>
              <th scope="col">{t('registry.slug_short')}</th>
              <th scope="col">{t('registry.county')}</th>
            </tr>
          }
        >
          {tenants.map((tn) => (
            <tr key={tn.id}>
              <th scope="row">{tn.name}</th>
              <td>{tn.slug}</td>
              <td>{tn.county}</td>
            </tr>
          ))}
        </Table>
        <TownshipForm counties={counties} onDone={data.reload} />
      </section>
      <section class="card">
        <h2>{t('registry.counties')}</h2>
        <ul class="plain">
          {counties.map((c) => <li key={c.id}>{cityName.get(c.cityId)} · {c.name}</li>)}
        </ul>
        <CountyForm cities={cities} onDone={data.reload} />
      </section>
      <section class="card">
        <h2>{t('registry.cities')}</h2>
        <ul class="plain">
          {cities.map((c) => <li key={c.id}>{c.name}</li>)}
        </ul>
        <CityForm onDone={data.reload} />
      </section>
    </Shell>
  );
}
