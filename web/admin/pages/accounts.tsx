import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf, type BodyOf } from '../../shared/api';
import { me } from '../session';
import { t } from '../t';
import { ErrorBox, Field, nameChoices, SelectField, SheetForm, Table, useDebounced, useLoad, useSubmit } from '../ui';
import { ResetPasswordSheet } from './two-factor';
import { loadVillages } from './villages';

const accountsClient = (slug: string) => tenant(slug).accounts;
type Account = AnswerOf<ReturnType<typeof accountsClient>['$get']>[number];
type AccountRole = BodyOf<ReturnType<typeof accountsClient>['$post']>['role'];

const ROLES: AccountRole[] = ['village_secretary', 'party_member', 'township_admin'];

function AccountForm(props: { slug: string; onDone(): void; onClose(): void }) {
  const [role, setRole] = useState<AccountRole>('village_secretary');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [villageId, setVillageId] = useState('');
  const [memberId, setMemberId] = useState('');
  const [memberSearch, setMemberSearch] = useState('');
  const q = useDebounced(memberSearch.trim());
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const members = useLoad(
    () =>
      role === 'party_member' && villageId
        ? call(tenant(props.slug).members.$get({ query: { villageId, limit: '50', ...(q ? { q } : {}) } })).then((r) => r.items)
        : Promise.resolve([]),
    [role, villageId, q],
  );
  const submit = useSubmit(async () => {
    const base = { role, name: name.trim(), phone: phone.trim(), password };
    const body = role === 'village_secretary' ? { ...base, role, villageId } : role === 'party_member' ? { ...base, role, memberId } : { ...base, role };
    await call(accountsClient(props.slug).$post({ json: body }));
    props.onDone();
  });
  const labels = { name: t('accounts.name'), phone: t('accounts.phone'), password: t('accounts.password'), villageId: t('accounts.village'), memberId: t('accounts.member') };

  return (
    <SheetForm title={t('accounts.new')} onClose={props.onClose} submit={submit} errorLabels={labels}>
      <SelectField label={t('accounts.role')} value={role} onChange={setRole} options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      {role !== 'township_admin' && (
        <SelectField
          label={t('accounts.village')}
          required
          value={villageId}
          onChange={(id) => {
            setVillageId(id);
            setMemberId('');
          }}
          placeholder="—"
          options={nameChoices(villages.data ?? [])}
        />
      )}
      {role === 'party_member' && villageId && (
        <>
          <Field label={t('accounts.member_search')}>
            {(id) => <input id={id} type="search" value={memberSearch} onInput={(e) => setMemberSearch(e.currentTarget.value)} />}
          </Field>
          <SelectField
            label={t('accounts.member')}
            required
            value={memberId}
            onChange={(id) => {
              const chosen = members.data?.find((m) => m.id === id);
              setMemberId(id);
              if (chosen && !name) setName(chosen.name);
              if (chosen?.phone && !phone) setPhone(chosen.phone);
            }}
            placeholder={t('accounts.choose_member')}
            options={(members.data ?? []).map((m) => ({ value: m.id, label: m.phone ? `${m.name} ${m.phone}` : m.name }))}
          />
        </>
      )}
      <Field label={t('accounts.name')}>{(id) => <input id={id} required maxLength={40} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      <Field label={t('accounts.phone')}>
        {(id) => <input id={id} type="tel" inputMode="numeric" required maxLength={11} pattern="1[0-9]{10}" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
      </Field>
      <Field label={t('accounts.password')}>
        {(id) => <input id={id} type="password" autoComplete="new-password" required minLength={10} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
      </Field>
    </SheetForm>
  );
}

/** Who works in the township: create secretary, party-member and admin accounts; revoke access. */
export function AccountsPage(props: { slug: string }) {
  const list = useLoad(() => call(accountsClient(props.slug).$get()), [props.slug]);
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Account>();
  const revoke = useSubmit(async (account: Account) => {
    if (!confirm(t('accounts.confirm_revoke', { name: account.name }))) return;
    await call(accountsClient(props.slug)[':accountId'].$delete({ param: { accountId: account.id } }));
    list.reload();
  });
  const resetTwoFactor = useSubmit(async (account: Account) => {
    if (!confirm(t('accounts.confirm_reset_two_factor', { name: account.name }))) return;
    await call(accountsClient(props.slug)[':accountId']['two-factor'].reset.$post({ param: { accountId: account.id } }));
    list.reload();
  });
  // a township admin resets the second factor of the township's non-admins only (an admin's is the platform's)
  const admins = new Set((list.data ?? []).filter((a) => a.role === 'township_admin').map((a) => a.id));
  const villageName = new Map((villages.data ?? []).map((v) => [v.id, v.name]));
  return (
    <section>
      <div class="page-head">
        <h1>{t('accounts.title')}</h1>
        <button type="button" onClick={() => setCreating(true)}>{t('accounts.new')}</button>
      </div>
      <ErrorBox error={list.error ?? revoke.error ?? resetTwoFactor.error} />
      {list.loading && !list.data ? (
        <p class="loading">{t('app.loading')}</p>
      ) : (
        <Table
          head={
            <tr>
              <th scope="col">{t('accounts.name')}</th>
              <th scope="col">{t('accounts.role')}</th>
              <th scope="col" class="wide-only">{t('field.phone')}</th>
              <th scope="col" class="wide-only">{t('accounts.two_factor')}</th>
              <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>
            </tr>
          }
        >
          {(list.data ?? []).map((a) => (
            <tr key={`${a.id}-${a.role}`}>
              <th scope="row">{a.name}</th>
              <td>
                {t(`role.${a.role}`)}
                {a.villageId && villageName.get(a.villageId) ? <div class="sub muted">{villageName.get(a.villageId)}</div> : null}
              </td>
              <td class="wide-only">{a.phone}</td>
              <td class="wide-only">{a.twoFactor ? t('common.yes') : t('common.no')}</td>
              <td class="actions">
                {!admins.has(a.id) && (
                  <button type="button" class="secondary small" onClick={() => setResetting(a)} aria-label={`${t('accounts.reset_password')} ${a.name}`}>
                    {t('accounts.reset_password')}
                  </button>
                )}
                {a.twoFactor && !admins.has(a.id) && (
                  <button type="button" class="secondary small" onClick={() => resetTwoFactor.run(a)} aria-label={`${t('accounts.reset_two_factor')} ${a.name}`}>
                    {t('accounts.reset_two_factor')}
                  </button>
                )}
                {a.id !== me.value?.id && (
                  <button type="button" class="secondary small danger" onClick={() => revoke.run(a)} aria-label={`${t('accounts.revoke')} ${a.name}`}>
                    {t('accounts.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {resetting && (
        <ResetPasswordSheet
          name={resetting.name}
          reset={(password) => call(accountsClient(props.slug)[':accountId'].password.$post({ param: { accountId: resetting.id }, json: { password } }))}
          onClose={() => setResetting(undefined)}
        />
      )}
      {creating && (
        <AccountForm
          slug={props.slug}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
