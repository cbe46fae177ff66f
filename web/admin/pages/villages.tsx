import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { can } from '../session';
import { t } from '../t';
import { ErrorBox, Field, ListTable, SheetForm, useLoad, useSubmit } from '../ui';

const villagesClient = (slug: string) => tenant(slug).villages;
export type Village = AnswerOf<ReturnType<typeof villagesClient>['$get']>[number];

/** The township's villages; a secretary's list holds only their own (the API decides). */
export function loadVillages(slug: string) {
  return call(villagesClient(slug).$get());
}

function VillageForm(props: { slug: string; village?: Village; onDone(): void; onClose(): void; onDelete(village: Village): void; deleteError?: unknown }) {
  const [name, setName] = useState(props.village?.name ?? '');
  const [branchName, setBranchName] = useState(props.village?.branchName ?? '');
  const submit = useSubmit(async () => {
    const body = { name: name.trim(), ...(branchName.trim() ? { branchName: branchName.trim() } : {}) };
    if (props.village) await call(villagesClient(props.slug)[':id'].$put({ param: { id: props.village.id }, json: body }));
    else await call(villagesClient(props.slug).$post({ json: body }));
    props.onDone();
  });
  return (
    <SheetForm
      title={props.village ? t('villages.edit') : t('villages.new')}
      onClose={props.onClose}
      submit={submit}
      error={submit.error ?? props.deleteError}
      actions={
        props.village && (
          <button type="button" class="secondary danger push-right" onClick={() => props.onDelete(props.village!)}>
            {t('common.delete')}
          </button>
        )
      }
    >
      <Field label={t('villages.name')}>{(id) => <input id={id} required maxLength={40} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      <Field label={t('villages.branch')} hint={t('villages.branch_hint')}>
        {(id) => <input id={id} maxLength={60} value={branchName} onInput={(e) => setBranchName(e.currentTarget.value)} />}
      </Field>
    </SheetForm>
  );
}

export function VillagesPage(props: { slug: string }) {
  const list = useLoad(() => loadVillages(props.slug), [props.slug]);
  const [editing, setEditing] = useState<Village | 'new' | undefined>();
  const remove = useSubmit(async (village: Village) => {
    if (!confirm(t('common.confirm_delete', { name: village.name }))) return;
    await call(villagesClient(props.slug)[':id'].$delete({ param: { id: village.id } }));
    setEditing(undefined);
    list.reload();
  });
  const writable = can('township_admin');
  const villages = list.data ?? [];
  return (
    <section>
      <div class="page-head">
        <h1>{t('villages.title')}</h1>
        {writable && <button type="button" onClick={() => setEditing('new')}>{t('villages.new')}</button>}
      </div>
      <ErrorBox error={list.error ?? remove.error} />
      {list.data && <p class="muted">{t('villages.count', { n: villages.length })}</p>}
      <ListTable
        load={list}
        count={villages.length}
        head={
          <tr>
            <th scope="col">{t('villages.name')}</th>
            <th scope="col" class="wide-only">{t('villages.branch')}</th>
            <th scope="col" class="num">{t('villages.members')}</th>
            <th scope="col" class="num">{t('villages.households')}</th>
            <th scope="col" class="wide-only">{t('rating.nav')}</th>
            {writable && <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>}
          </tr>
        }
      >
        {villages.map((v) => (
          <tr key={v.id}>
            <th scope="row">
              <a href={`/t/${props.slug}/members?villageId=${v.id}`}>{v.name}</a>
            </th>
            <td class="wide-only">{v.branchName}</td>
            <td class="num">
              <a href={`/t/${props.slug}/members?villageId=${v.id}`}>{v.memberCount}</a>
            </td>
            <td class="num">
              <a href={`/t/${props.slug}/households?villageId=${v.id}`}>{v.householdCount}</a>
            </td>
            <td class="wide-only">
              <a href={`/t/${props.slug}/rating/branch?villageId=${encodeURIComponent(v.id)}`}>{t('rating.branch_link')}</a>
            </td>
            {writable && (
              <td class="actions">
                <button type="button" class="secondary small" onClick={() => setEditing(v)} aria-label={`${t('common.edit')} ${v.name}`}>
                  {t('common.edit')}
                </button>
                <button
                  type="button"
                  class="secondary small danger"
                  onClick={() => remove.run(v)}
                  aria-label={`${t('common.delete')} ${v.name}`}
                >
                  {t('common.delete')}
                </button>
              </td>
            )}
          </tr>
        ))}
      </ListTable>
      {editing && (
        <VillageForm
          slug={props.slug}
          village={editing === 'new' ? undefined : editing}
          onClose={() => {
            setEditing(undefined);
            remove.setError(undefined);
          }}
          onDelete={(village) => remove.run(village)}
          deleteError={remove.error}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
