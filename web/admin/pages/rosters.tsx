import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call, tenant, type AnswerOf, type BodyOf } from '../../shared/api';
import { can, ownVillageId } from '../session';
import { t, type MessageKey } from '../t';
import { Check, ErrorBox, Field, intOrNull, ListTable, nameChoices, Pager, SelectField, SheetForm, useDebounced, useLoad, useSubmit } from '../ui';
import { VillageSelect } from './ledgers-common';
import { loadVillages, type Village } from './villages';
import { GENDERS } from '../../../src/domain/vocabulary';

const membersClient = (slug: string) => tenant(slug).members;
const householdsClient = (slug: string) => tenant(slug).households;
type MemberRow = AnswerOf<ReturnType<typeof membersClient>['$get']>['items'][number];
type HouseholdRow = AnswerOf<ReturnType<typeof householdsClient>['$get']>['items'][number];
type MemberBody = BodyOf<ReturnType<typeof membersClient>['$post']>;
type HouseholdBody = BodyOf<ReturnType<typeof householdsClient>['$post']>;
/** What the one page needs of a row of either roster. */
type RosterRow = { id: string; villageId: string; villageName: string | null; phone?: string | null; address?: string | null };
/** A list page's query, as the API takes it (text). */
type ListQuery = { limit: string; offset: string; villageId?: string; q?: string };

interface FieldSpec<Key extends string> {
  key: Key;
  label: MessageKey;
  kind: 'text' | 'phone' | 'int' | 'gender';
  required?: boolean;
  max?: number;
  min?: number;
  maxInt?: number;
  wide?: boolean;
}

/**
 * What differs between the rosters kept per village (party members, households): the rest is one page.
 * Field and flag keys are keys of both the roster's row and its request body; its calls are the typed client's.
 */
interface RosterSpec<Row extends RosterRow, Body> {
  resource: 'members' | 'households';
  title: MessageKey;
  newTitle: MessageKey;
  editTitle: MessageKey;
  searchLabel: MessageKey;
  /** the row's display name */
  nameKey: keyof Row & string;
  fields: FieldSpec<keyof Row & keyof Body & string>[];
  flagsLabel: MessageKey;
  flags: { key: keyof Row & keyof Body & string; label: MessageKey }[];
  list(slug: string, query: ListQuery): Promise<{ items: Row[]; total: number }>;
  create(slug: string, body: Body): Promise<unknown>;
  update(slug: string, id: string, body: Body): Promise<unknown>;
  remove(slug: string, id: string): Promise<unknown>;
}

const PAGE_SIZE = 20;

const MEMBERS: RosterSpec<MemberRow, MemberBody> = {
  resource: 'members',
  title: 'members.title',
  newTitle: 'members.new',
  editTitle: 'members.edit',
  searchLabel: 'members.search',
  nameKey: 'name',
  fields: [
    { key: 'name', label: 'field.name', kind: 'text', required: true, max: 40 },
    { key: 'gender', label: 'field.gender', kind: 'gender' },
    { key: 'phone', label: 'field.phone', kind: 'phone' },
    { key: 'birthYear', label: 'field.birthYear', kind: 'int', min: 1900, maxInt: 2100 },
    { key: 'joinedYear', label: 'field.joinedYear', kind: 'int', min: 1921, maxInt: 2100 },
  ],
  flagsLabel: 'field.flags',
  flags: [
    { key: 'isCommittee', label: 'field.isCommittee' },
    { key: 'isSecretary', label: 'field.isSecretary' },
    { key: 'isReserveCadre', label: 'field.isReserveCadre' },
  ],
  list: (slug, query) => call(membersClient(slug).$get({ query })),
  create: (slug, json) => call(membersClient(slug).$post({ json })),
  update: (slug, id, json) => call(membersClient(slug)[':id'].$put({ param: { id }, json })),
  remove: (slug, id) => call(membersClient(slug)[':id'].$delete({ param: { id } })),
};

const HOUSEHOLDS: RosterSpec<HouseholdRow, HouseholdBody> = {
  resource: 'households',
  title: 'households.title',
  newTitle: 'households.new',
  editTitle: 'households.edit',
  searchLabel: 'households.search',
  nameKey: 'headName',
  fields: [
    { key: 'headName', label: 'field.headName', kind: 'text', required: true, max: 40 },
    { key: 'address', label: 'field.address', kind: 'text', max: 120, wide: true },
    { key: 'phone', label: 'field.phone', kind: 'phone' },
    { key: 'size', label: 'field.size', kind: 'int', min: 1, maxInt: 99 },
  ],
  flagsLabel: 'field.careTags',
  flags: [
    { key: 'isHardship', label: 'field.isHardship' },
    { key: 'isCriticallyIll', label: 'field.isCriticallyIll' },
    { key: 'isEmptyNest', label: 'field.isEmptyNest' },
    { key: 'isLeftBehind', label: 'field.isLeftBehind' },
    { key: 'isPetitioner', label: 'field.isPetitioner' },
  ],
  list: (slug, query) => call(householdsClient(slug).$get({ query })),
  create: (slug, json) => call(householdsClient(slug).$post({ json })),
  update: (slug, id, json) => call(householdsClient(slug)[':id'].$put({ param: { id }, json })),
  remove: (slug, id) => call(householdsClient(slug)[':id'].$delete({ param: { id } })),
};

export const MembersPage = (props: { slug: string }) => <RosterPage spec={MEMBERS} slug={props.slug} />;
export const HouseholdsPage = (props: { slug: string }) => <RosterPage spec={HOUSEHOLDS} slug={props.slug} />;

function fieldLabels<Row extends RosterRow, Body>(spec: RosterSpec<Row, Body>): Record<string, string> {
  return Object.fromEntries([...spec.fields, ...spec.flags].map((f) => [f.key, t(f.label)]).concat([['villageId', t('common.village')]]));
}

function RosterForm<Row extends RosterRow, Body>(props: {
  spec: RosterSpec<Row, Body>;
  slug: string;
  villages: Village[];
  row?: Row;
  villageId?: string;
  onDone(): void;
  onClose(): void;
  onDelete(row: Row): void;
  deleteError?: unknown;
}) {
  const { spec, row } = props;
  const [villageId, setVillageId] = useState(row?.villageId ?? props.villageId ?? (props.villages.length === 1 ? props.villages[0].id : ''));
  const [text, setText] = useState<Record<string, string>>(() =>
    Object.fromEntries(spec.fields.map((f) => [f.key, row?.[f.key] === null || row?.[f.key] === undefined ? '' : String(row[f.key])])),
  );
  const [flags, setFlags] = useState<Record<string, boolean>>(() => Object.fromEntries(spec.flags.map((f) => [f.key, !!row?.[f.key]])));
  const submit = useSubmit(async () => {
    const values: Record<string, unknown> = { villageId, ...flags };
    for (const f of spec.fields) {
      const value = text[f.key].trim();
      values[f.key] = f.kind === 'int' ? intOrNull(value) : f.kind === 'text' ? value : value === '' ? null : value;
    }
    // keyed by the spec's fields and flags, which the compiler holds to the body's keys; each value is the
    // kind its field says (text, phone or null, whole number or null, gender or null)
    const body = values as Body;
    if (row) await spec.update(props.slug, row.id, body);
    else await spec.create(props.slug, body);
    props.onDone();
  });
  return (
    <SheetForm
      title={t(row ? spec.editTitle : spec.newTitle)}
      onClose={props.onClose}
      submit={submit}
      error={submit.error ?? props.deleteError}
      errorLabels={fieldLabels(spec)}
      actions={
        row && (
          <button type="button" class="secondary danger push-right" onClick={() => props.onDelete(row)}>
            {t('common.delete')}
          </button>
        )
      }
    >
      <SelectField
        label={t('common.village')}
        name="villageId"
        required
        value={villageId}
        disabled={props.villages.length === 1}
        onChange={setVillageId}
        placeholder="—"
        options={nameChoices(props.villages)}
      />
      <div class="form-grid">
        {spec.fields.map((f) =>
          f.kind === 'gender' ? (
            <SelectField
              key={f.key}
              label={t(f.label)}
              name={f.key}
              value={text[f.key]}
              onChange={(value) => setText({ ...text, [f.key]: value })}
              blank={t('field.gender.unknown')}
              options={GENDERS.map((g) => ({ value: g, label: t(`field.gender.${g}`) }))}
            />
          ) : (
            <Field key={f.key} label={t(f.label)}>
              {(id) => (
                <input
                  id={id}
                  name={f.key}
                  required={f.required}
                  maxLength={f.max ?? (f.kind === 'phone' ? 11 : undefined)}
                  type={(f.kind === 'phone' ? 'tel' : f.kind === 'int' ? 'number' : 'text') as 'text'}
                  inputMode={f.kind === 'text' ? undefined : ('numeric' as const)}
                  pattern={f.kind === 'phone' ? '1[0-9]{10}' : undefined}
                  title={f.kind === 'phone' ? t('field.invalid_phone') : undefined}
                  min={f.min}
                  max={f.maxInt}
                  step={f.kind === 'int' ? 1 : undefined}
                  value={text[f.key]}
                  onInput={(e) => setText({ ...text, [f.key]: e.currentTarget.value })}
                />
              )}
            </Field>
          ),
        )}
      </div>
      <fieldset class="flags">
        <legend>{t(spec.flagsLabel)}</legend>
        {spec.flags.map((f) => (
          <Check key={f.key} label={t(f.label)} checked={flags[f.key]} onChange={(checked) => setFlags({ ...flags, [f.key]: checked })} />
        ))}
      </fieldset>
    </SheetForm>
  );
}

/** A roster kept per village: filter by village, search, pages of 20, and (for writers) add, edit, delete. */
function RosterPage<Row extends RosterRow, Body>(props: { spec: RosterSpec<Row, Body>; slug: string }) {
  const { spec, slug } = props;
  const { query } = useLocation();
  const own = ownVillageId.value;
  const [villageId, setVillageId] = useState(own ?? query.villageId ?? '');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useDebounced(search.trim());
  const villages = useLoad(() => loadVillages(slug), [slug]);
  const list = useLoad(
    () => spec.list(slug, { limit: String(PAGE_SIZE), offset: String(offset), ...(villageId ? { villageId } : {}), ...(q ? { q } : {}) }),
    [slug, spec.resource, villageId, q, offset],
  );
  const [editing, setEditing] = useState<Row | 'new' | undefined>();
  const remove = useSubmit(async (row: Row) => {
    if (!confirm(t('common.confirm_delete', { name: String(row[spec.nameKey]) }))) return;
    await spec.remove(slug, row.id);
    setEditing(undefined);
    list.reload();
  });
  const writable = can('township_admin', 'village_secretary');
  const villageList = villages.data ?? [];
  const items = list.data?.items ?? [];
  // a county viewer's rows come without phones, addresses and care tags (the API drops them): no empty columns
  const personal = can('township_admin', 'village_secretary', 'party_member');
  const phoneShown = personal && spec.fields.some((f) => f.key === 'phone');
  const flagsShown = personal || spec.resource !== 'households';

  return (
    <section>
      <div class="page-head">
        <h1>{t(spec.title)}</h1>
        {writable && villageList.length > 0 && (
          <button type="button" onClick={() => setEditing('new')}>
            {t(spec.newTitle)}
          </button>
        )}
      </div>
      <div class="filters">
        <VillageSelect
          villages={villageList}
          value={villageId}
          onChange={(id) => {
            setVillageId(id);
            setOffset(0);
          }}
          allowAll
        />
        <Field label={t('common.search')}>
          {(id) => (
            <input
              id={id}
              type="search"
              placeholder={t(spec.searchLabel)}
              value={search}
              onInput={(e) => {
                setSearch(e.currentTarget.value);
                setOffset(0);
              }}
            />
          )}
        </Field>
      </div>
      <ErrorBox error={list.error ?? villages.error ?? remove.error} />
      {list.data && list.data.total <= PAGE_SIZE && <p class="muted">{t('common.total', { total: list.data.total })}</p>}
      <ListTable
        load={list}
        count={items.length}
        head={
          <tr>
            <th scope="col">{t(spec.fields[0].label)}</th>
            <th scope="col">{t('common.village')}</th>
            {phoneShown && <th scope="col" class="wide-only">{t('field.phone')}</th>}
            {flagsShown && <th scope="col">{t(spec.flagsLabel)}</th>}
            {writable && <th scope="col" class="wide-only"><span class="sr-only">{t('common.actions')}</span></th>}
          </tr>
        }
      >
        {items.map((row) => (
          <tr key={row.id}>
            <th scope="row">
              {writable ? (
                <button type="button" class="linklike" onClick={() => setEditing(row)}>
                  {String(row[spec.nameKey])}
                </button>
              ) : (
                String(row[spec.nameKey])
              )}
              {spec.resource === 'households' && row.address ? <div class="sub muted wrap">{row.address}</div> : null}
            </th>
            <td>{row.villageName}</td>
            {phoneShown && <td class="wide-only">{row.phone ?? ''}</td>}
            {flagsShown && (
              <td>
                {spec.flags
                  .filter((f) => row[f.key])
                  .map((f) => (
                    <span key={f.key} class="tag">
                      {t(f.label)}
                    </span>
                  ))}
              </td>
            )}
            {writable && (
              <td class="actions wide-only">
                <button type="button" class="secondary small" onClick={() => setEditing(row)} aria-label={`${t('common.edit')} ${String(row[spec.nameKey])}`}>
                  {t('common.edit')}
                </button>
                <button type="button" class="secondary small danger" onClick={() => remove.run(row)} aria-label={`${t('common.delete')} ${String(row[spec.nameKey])}`}>
                  {t('common.delete')}
                </button>
              </td>
            )}
          </tr>
        ))}
      </ListTable>
      {list.data && list.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onChange={setOffset} />}
      {editing && (
        <RosterForm
          spec={spec}
          slug={slug}
          villages={villageList}
          row={editing === 'new' ? undefined : editing}
          villageId={villageId || undefined}
          onDelete={(row) => remove.run(row)}
          deleteError={remove.error}
          onClose={() => {
            setEditing(undefined);
            remove.setError(undefined);
          }}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
