import { useEffect, useState } from 'preact/hooks';
import { call, platform, type AnswerOf } from '../../shared/api';
import { RequireLogin } from '../frame';
import { isPlatformAdmin, me, township } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { ResetPasswordSheet } from './two-factor';
import { Check, ErrorBox, Field, Form, nameChoices, SelectField, Table, useDebounced, useLoad, useSubmit } from '../ui';

type City = AnswerOf<typeof platform.cities.$get>[number];
type County = AnswerOf<typeof platform.counties.$get>[number];
type PlatformAccount = AnswerOf<typeof platform.accounts.$get>['items'][number];
type Township = AnswerOf<typeof platform.tenants.$get>[number];

function useText(initial = '') {
  const [value, set] = useState(initial);
  return { value, set, bind: { value, onInput: (e: Event) => set((e.currentTarget as HTMLInputElement).value) } };
}

function CityForm(props: { onDone(): void }) {
  const name = useText();
  const submit = useSubmit(async () => {
    await call(platform.cities.$post({ json: { name: name.value.trim() } }));
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
    await call(platform.counties.$post({ json: { cityId, name: name.value.trim() } }));
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
    await call(
      platform.tenants.$post({
        json: {
          countyId,
          slug: slug.value.trim().toLowerCase(),
          name: name.value.trim(),
          admin: { name: adminName.value.trim(), phone: adminPhone.value.trim(), password: adminPassword.value },
        },
      }),
    );
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
          <Field label={t('accounts.password')}>{(id) => <input id={id} type="password" autoComplete="new-password" required minLength={10} {...adminPassword.bind} />}</Field>
        </div>
      </fieldset>
      <ErrorBox error={submit.error} labels={labels} />
      <button type="submit" disabled={submit.busy}>{submit.busy ? t('common.saving') : t('registry.new_township')}</button>
    </Form>
  );
}

type AuthorityRole = 'county_viewer' | 'county_organiser' | 'city_organiser';
const AUTHORITY_ROLES: AuthorityRole[] = ['county_organiser', 'county_viewer', 'city_organiser'];

/** The accounts above the townships: a county's viewer or organisation department (复核), a city's organisation department (五星级确认). */
function AuthorityAccountForm(props: { cities: City[]; counties: County[]; onDone(): void }) {
  const [role, setRole] = useState<AuthorityRole>('county_organiser');
  const [placeId, setPlaceId] = useState('');
  const name = useText();
  const phone = useText();
  const password = useText();
  const [created, setCreated] = useState('');
  const submit = useSubmit(async () => {
    setCreated('');
    const json = { name: name.value.trim(), phone: phone.value.trim(), password: password.value };
    const param = { id: placeId };
    if (role === 'city_organiser') await call(platform.cities[':id'].organisers.$post({ param, json }));
    else if (role === 'county_organiser') await call(platform.counties[':id'].organisers.$post({ param, json }));
    else await call(platform.counties[':id'].viewers.$post({ param, json }));
    setCreated(json.name);
    for (const field of [name, phone, password]) field.set('');
    props.onDone();
  });
  const forCity = role === 'city_organiser';
  const labels = { name: t('accounts.name'), phone: t('accounts.phone'), password: t('accounts.password') };
  return (
    <Form class="card" onSubmit={submit.run}>
      <h2>{t('rating.org.title')}</h2>
      <p class="muted hint">{t('rating.org.hint')}</p>
      <div class="form-grid">
        <SelectField
          label={t('rating.org.kind')}
          value={role}
          onChange={(next) => {
            setRole(next);
            setPlaceId('');
          }}
          options={AUTHORITY_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        />
        <SelectField
          label={forCity ? t('rating.org.city') : t('rating.org.county')}
          required
          value={placeId}
          onChange={setPlaceId}
          placeholder="—"
          options={nameChoices(forCity ? props.cities : props.counties)}
        />
        <Field label={t('accounts.name')}>{(id) => <input id={id} required maxLength={40} {...name.bind} />}</Field>
        <Field label={t('accounts.phone')}>{(id) => <input id={id} type="tel" required pattern="1[0-9]{10}" maxLength={11} {...phone.bind} />}</Field>
        <Field label={t('accounts.password')}>{(id) => <input id={id} type="password" autoComplete="new-password" required minLength={10} {...password.bind} />}</Field>
      </div>
      <ErrorBox error={submit.error} labels={labels} />
      {created && <p role="status">{t('rating.org.created', { name: created })}</p>}
      <button type="submit" disabled={submit.busy}>{submit.busy ? t('common.saving') : t('rating.org.create')}</button>
    </Form>
  );
}

type TownshipRole = 'township_admin' | 'village_secretary';
const TOWNSHIP_ROLES: TownshipRole[] = ['township_admin', 'village_secretary'];

/**
 * A role in a township for someone who may already work elsewhere (a county's viewer who is also a village's
 * secretary): a township admin cannot attach a role to such an account, the platform admin can.
 */
function TownshipRoleForm(props: { townships: Township[]; onDone(): void }) {
  const [tenantId, setTenantId] = useState('');
  const [role, setRole] = useState<TownshipRole>('township_admin');
  const [villageId, setVillageId] = useState('');
  const villages = useLoad(() => (tenantId && role === 'village_secretary' ? call(platform.tenants[':id'].villages.$get({ param: { id: tenantId } })) : Promise.resolve([])), [tenantId, role]);
  const name = useText();
  const phone = useText();
  const password = useText();
  const [given, setGiven] = useState('');
  const submit = useSubmit(async () => {
    setGiven('');
    const person = { name: name.value.trim(), phone: phone.value.trim(), password: password.value };
    const json = role === 'village_secretary' ? { ...person, role, villageId } : { ...person, role };
    await call(platform.tenants[':id'].accounts.$post({ param: { id: tenantId }, json }));
    setGiven(person.name);
    for (const field of [name, phone, password]) field.set('');
    props.onDone();
  });
  const labels = { name: t('accounts.name'), phone: t('accounts.phone'), password: t('accounts.password'), villageId: t('registry.role_village') };
  return (
    <Form class="card" onSubmit={submit.run}>
      <h2>{t('registry.township_role')}</h2>
      <p class="muted hint">{t('registry.township_role_hint')}</p>
      <div class="form-grid">
        <SelectField label={t('registry.townships')} required value={tenantId} onChange={(next) => (setTenantId(next), setVillageId(''))} placeholder="—" options={nameChoices(props.townships)} />
        <SelectField label={t('rating.org.kind')} value={role} onChange={setRole} options={TOWNSHIP_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        {role === 'village_secretary' && (
          <SelectField label={t('registry.role_village')} required value={villageId} onChange={setVillageId} placeholder="—" options={nameChoices(villages.data ?? [])} />
        )}
        <Field label={t('accounts.name')}>{(id) => <input id={id} required maxLength={40} {...name.bind} />}</Field>
        <Field label={t('accounts.phone')}>{(id) => <input id={id} type="tel" required pattern="1[0-9]{10}" maxLength={11} {...phone.bind} />}</Field>
        <Field label={t('accounts.password')}>{(id) => <input id={id} type="password" autoComplete="new-password" required minLength={10} {...password.bind} />}</Field>
      </div>
      <ErrorBox error={submit.error ?? villages.error} labels={labels} />
      {given && <p role="status">{t('registry.township_role_given', { name: given })}</p>}
      <button type="submit" disabled={submit.busy}>{submit.busy ? t('common.saving') : t('registry.township_role_give')}</button>
    </Form>
  );
}

/** Platform settings: whether admins must sign in with a second factor. */
function PlatformSettingsCard() {
  const settings = useLoad(() => call(platform.settings.$get()), []);
  // shown as chosen at once, then as stored (the answer of the save; a refused save shows its error and the stored value)
  const [shown, setShown] = useState<boolean>();
  const save = useSubmit(async (requireAdminTwoFactor: boolean) => {
    setShown(requireAdminTwoFactor);
    try {
      setShown((await call(platform.settings.$put({ json: { ...settings.data, requireAdminTwoFactor } }))).requireAdminTwoFactor);
    } catch (error) {
      setShown(undefined);
      settings.reload();
      throw error;
    }
  });
  return (
    <section class="card">
      <h2>{t('registry.settings')}</h2>
      {settings.data && (
        <Check label={t('registry.require_two_factor')} checked={shown ?? settings.data.requireAdminTwoFactor} disabled={save.busy} onChange={(on) => save.run(on)} />
      )}
      <ErrorBox error={settings.error ?? save.error} />
    </section>
  );
}

/** Every account of the platform, found by name or phone; the platform admin resets anyone's second factor. */
function PlatformAccounts() {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const [resetting, setResetting] = useState<PlatformAccount>();
  const list = useLoad(() => call(platform.accounts.$get({ query: { limit: '50', ...(q ? { q } : {}) } })), [q]);
  const reset = useSubmit(async (account: PlatformAccount) => {
    if (!confirm(t('accounts.confirm_reset_two_factor', { name: account.name }))) return;
    await call(platform.accounts[':id']['two-factor'].reset.$post({ param: { id: account.id } }));
    list.reload();
  });
  return (
    <section class="card">
      <h2>{t('registry.accounts')}</h2>
      <Field label={t('registry.search_accounts')}>{(id) => <input id={id} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}</Field>
      <ErrorBox error={list.error ?? reset.error} />
      <Table
        head={
          <tr>
            <th scope="col">{t('accounts.name')}</th>
            <th scope="col">{t('field.phone')}</th>
            <th scope="col">{t('accounts.role')}</th>
            <th scope="col">{t('accounts.two_factor')}</th>
            <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>
          </tr>
        }
      >
        {(list.data?.items ?? []).map((a) => (
          <tr key={a.id}>
            <th scope="row">{a.name}</th>
            <td>{a.phone}</td>
            <td>{a.roles.map((r) => (r.tenant ? `${t(`role.${r.role}`)} · ${r.tenant}` : t(`role.${r.role}`))).join(',')}</td>
            <td>{a.twoFactor ? t('common.yes') : t('common.no')}</td>
            <td class="actions">
              {a.id !== me.value?.id && (
                <button type="button" class="secondary small" onClick={() => setResetting(a)} aria-label={`${t('accounts.reset_password')} ${a.name}`}>
                  {t('accounts.reset_password')}
                </button>
              )}
              {a.twoFactor && a.id !== me.value?.id && (
                <button type="button" class="secondary small danger" onClick={() => reset.run(a)} aria-label={`${t('accounts.reset_two_factor')} ${a.name}`}>
                  {t('accounts.reset_two_factor')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {list.data && <p class="muted">{t('common.total', { total: list.data.total })}</p>}
      {resetting && (
        <ResetPasswordSheet
          name={resetting.name}
          reset={(password) => call(platform.accounts[':id'].password.$post({ param: { id: resetting.id }, json: { password } }))}
          onClose={() => setResetting(undefined)}
        />
      )}
    </section>
  );
}

/** The platform admin's registry: cities, counties and townships (each created with its first admin). */
export function RegistryPage() {
  useEffect(() => void (township.value = undefined), []);
  const data = useLoad(
    () =>
      isPlatformAdmin.value
        ? Promise.all([call(platform.cities.$get()), call(platform.counties.$get()), call(platform.tenants.$get())])
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
        <a class="button-link" href="/platform/audit">{t('nav.audit')}</a>
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
      <AuthorityAccountForm cities={cities} counties={counties} onDone={data.reload} />
      <TownshipRoleForm townships={tenants} onDone={data.reload} />
      <PlatformSettingsCard />
      <PlatformAccounts />
    </Shell>
  );
}
