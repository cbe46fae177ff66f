import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { currentLocale, shanghaiTime, yuan } from '../../shared/i18n';
import { can, ownVillageId } from '../session';
import { t } from '../t';
import { ErrorBox, Field, Form, FormActions, Pager, SelectField, Sheet, SheetForm, Table, useLoad, useSubmit } from '../ui';
import { loadVillages, type Village } from './villages';
import { categoryLabel, INCOME_CATEGORIES, shanghaiYear, TierBadge, YearSelect, type IncomeCategory } from './stars-common';
import { fenToInput, parseYuan, wanYuan } from './stars-money';
import { IncomeImport } from './income-import';
import './stars.css';
import { Tabs, VillageFilter, VillageSelect } from './ledgers-common';

const incomeClient = (slug: string) => tenant(slug).income;
type Income = ReturnType<typeof incomeClient>;
type Entry = AnswerOf<Income['entries']['$get']>['items'][number];
type Summary = AnswerOf<Income['summary']['$get']>;

const LIMIT = 50;
const categoryChoices = INCOME_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }));

function EntryForm(props: { slug: string; entry?: Entry; villages: Village[]; year: number; villageId: string; onClose(): void; onDone(): void }) {
  const e = props.entry;
  const own = ownVillageId.value;
  const [villageId, setVillageId] = useState(own ?? e?.villageId ?? props.villageId);
  const [year, setYear] = useState(e?.year ?? props.year);
  const [category, setCategory] = useState<IncomeCategory | ''>(e?.category ?? '');
  const [amount, setAmount] = useState(e ? fenToInput(e.amountFen) : '');
  const [note, setNote] = useState(e?.note ?? '');
  const fen = parseYuan(amount);
  const amountOk = fen !== null && Number.isInteger(fen);
  const submit = useSubmit(async () => {
    if (!category || fen === null || Number.isNaN(fen)) return; // the form is not ready without them
    const body = { villageId, year, category, amountFen: fen, note: note.trim() };
    if (e) await call(incomeClient(props.slug).entries[':id'].$put({ param: { id: e.id }, json: body }));
    else await call(incomeClient(props.slug).entries.$post({ json: body }));
    props.onDone();
  });
  return (
    <SheetForm
      title={e ? t('income.edit') : t('income.new')}
      onClose={props.onClose}
      submit={submit}
      ready={amountOk && !!category && !!villageId}
      errorLabels={{ amountFen: t('income.amount'), category: t('income.category'), villageId: t('common.village'), year: t('stars.year') }}
    >
      <VillageSelect villages={props.villages} value={villageId} onChange={setVillageId} />
      <YearSelect slug={props.slug} value={year} onChange={setYear} />
      <SelectField label={t('income.category')} required value={category} onChange={setCategory} placeholder="—" options={categoryChoices} />
      <Field label={t('income.amount_yuan')} hint={t('income.amount_hint')}>
        {(id) => (
          <input
            id={id}
            required
            inputMode="decimal"
            autoComplete="off"
            aria-invalid={amount.trim() !== '' && !amountOk}
            value={amount}
            onInput={(ev) => setAmount(ev.currentTarget.value)}
          />
        )}
      </Field>
      {amount.trim() !== '' && !amountOk && <p class="field-error">{t('income.amount_invalid')}</p>}
      <Field label={t('income.note')}>{(id) => <input id={id} maxLength={200} value={note} onInput={(ev) => setNote(ev.currentTarget.value)} />}</Field>
    </SheetForm>
  );
}

function HistorySheet(props: { slug: string; entry: Entry; villages: Village[]; onClose(): void }) {
  const detail = useLoad(() => call(incomeClient(props.slug).entries[':id'].$get({ param: { id: props.entry.id } })), [props.entry.id]);
  // names of who wrote each version: the township's accounts, which only its admin may list
  const people = useLoad(
    () => (can('township_admin') ? call(tenant(props.slug).accounts.$get()) : Promise.resolve([])),
    [props.slug],
  );
  const nameOf = (id: string) => people.data?.find((p) => p.id === id)?.name ?? (id === 'system' ? '—' : id.slice(0, 8));
  const villageName = (id: string) => props.villages.find((v) => v.id === id)?.name ?? props.entry.villageName;
  return (
    <Sheet title={t('income.history_title', { village: props.entry.villageName, category: categoryLabel(props.entry.category) })} onClose={props.onClose}>
      <ErrorBox error={detail.error} />
      <ol class="history">
        {(detail.data?.revisions ?? []).map((r) => (
          <li key={r.id}>
            <div>
              <strong>{t(`income.action.${r.action}`)}</strong> · {shanghaiTime(r.at)} · {nameOf(r.actorId)}
              <span class="muted"> · {t('income.version')} {r.version}</span>
            </div>
            <div class="amount">{yuan(r.data.amountFen)}</div>
            <div class="sub muted">
              {villageName(r.data.villageId)} · {t('stars.year_label', { year: r.data.year })} · {categoryLabel(r.data.category)}
              {r.data.note ? ` · ${r.data.note}` : ''}
            </div>
          </li>
        ))}
      </ol>
    </Sheet>
  );
}

function Entries(props: { slug: string; year: number; villages: Village[]; villageId: string }) {
  const writer = can('township_admin', 'village_secretary');
  const [category, setCategory] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Entry | 'new'>();
  const [history, setHistory] = useState<Entry>();
  const list = useLoad(() => {
    const query = { year: String(props.year), limit: String(LIMIT), offset: String(offset), ...(props.villageId ? { villageId: props.villageId } : {}), ...(category ? { category } : {}) };
    return call(incomeClient(props.slug).entries.$get({ query }));
  }, [props.slug, props.year, props.villageId, category, offset]);
  const remove = useSubmit(async (entry: Entry) => {
    if (!confirm(t('income.confirm_delete'))) return;
    await call(incomeClient(props.slug).entries[':id'].$delete({ param: { id: entry.id } }));
    list.reload();
  });
  const items = list.data?.items ?? [];
  const pageTotal = items.reduce((s, e) => s + e.amountFen, 0);

  return (
    <>
      <div class="toolbar">
        <SelectField
          label={t('income.category')}
          value={category}
          onChange={(c) => {
            setCategory(c);
            setOffset(0);
          }}
          blank={t('income.all_categories')}
          options={categoryChoices}
        />
        {writer && (
          <button type="button" onClick={() => setEditing('new')}>
            {t('income.new')}
          </button>
        )}
      </div>
      <ErrorBox error={list.error ?? remove.error} />
      {list.data && items.length === 0 && <p class="muted">{t('income.none')}</p>}
      {items.length > 0 && (
        <>
          <p class="muted">
            {list.data!.total <= items.length ? t('income.list_total', { n: list.data!.total, amount: yuan(pageTotal) }) : t('common.total', { total: list.data!.total })}
          </p>
          <Table class="income-entries"
            head={
              <tr>
                <th scope="col">{t('common.village')}</th>
                <th scope="col">{t('income.category')}</th>
                <th scope="col" class="num">{t('income.amount')}</th>
                <th scope="col">{t('income.note')}</th>
                <th scope="col" class="actions">{t('common.actions')}</th>
              </tr>
            }
          >
            {items.map((e) => (
              <tr key={e.id}>
                <th scope="row">{e.villageName}</th>
                <td class="wrap">{categoryLabel(e.category)}</td>
                <td class="num amount">{yuan(e.amountFen)}</td>
                <td class="wrap">{e.note}</td>
                <td class="actions">
                  <button type="button" class="secondary small" onClick={() => setHistory(e)}>
                    {t('income.history')}
                  </button>
                  {writer && (
                    <>
                      <button type="button" class="secondary small" onClick={() => setEditing(e)}>
                        {t('common.edit')}
                      </button>
                      <button type="button" class="secondary small danger" onClick={() => remove.run(e)}>
                        {t('common.delete')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </Table>
          {list.data!.total > LIMIT && <Pager offset={offset} limit={LIMIT} total={list.data!.total} onChange={setOffset} />}
        </>
      )}
      {editing && (
        <EntryForm
          slug={props.slug}
          entry={editing === 'new' ? undefined : editing}
          villages={props.villages}
          year={props.year}
          villageId={props.villageId}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
      {history && <HistorySheet slug={props.slug} entry={history} villages={props.villages} onClose={() => setHistory(undefined)} />}
    </>
  );
}

function TargetForm(props: { slug: string; year: number; summary: Summary; onDone(): void }) {
  const [low, setLow] = useState(String(props.summary.target?.villagesAtLeastLow ?? ''));
  const [high, setHigh] = useState(String(props.summary.target?.villagesAtLeastHigh ?? ''));
  const [note, setNote] = useState(props.summary.target?.note ?? '');
  const [saved, setSaved] = useState(false);
  const [lowFen, highFen] = props.summary.tiersFen;
  const locale = currentLocale();
  const submit = useSubmit(async () => {
    await call(incomeClient(props.slug).targets[':year'].$put({ param: { year: String(props.year) }, json: { villagesAtLeastLow: Number(low), villagesAtLeastHigh: Number(high), note: note.trim() } }));
    setSaved(true);
    props.onDone();
  });
  return (
    <Form class="card" onSubmit={submit.run}>
      <h2>{t('income.target')}</h2>
      <div class="form-grid">
        <Field label={t('income.target_low', { amount: wanYuan(lowFen, locale) })}>
          {(id) => <input id={id} type="number" min={0} max={10000} step={1} required value={low} onInput={(e) => (setLow(e.currentTarget.value), setSaved(false))} />}
        </Field>
        <Field label={t('income.target_high', { amount: wanYuan(highFen, locale) })}>
          {(id) => <input id={id} type="number" min={0} max={10000} step={1} required value={high} onInput={(e) => (setHigh(e.currentTarget.value), setSaved(false))} />}
        </Field>
      </div>
      <Field label={t('income.target_note')}>{(id) => <input id={id} maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}</Field>
      <ErrorBox error={submit.error} />
      <FormActions busy={submit.busy} label={t('income.target_save')}>
        {saved && (
          <span class="ok" role="status">
            {t('common.saved')}
          </span>
        )}
      </FormActions>
    </Form>
  );
}

function SummaryView(props: { slug: string; year: number }) {
  const summary = useLoad(() => call(incomeClient(props.slug).summary.$get({ query: { year: String(props.year) } })), [props.slug, props.year]);
  const s = summary.data;
  if (summary.error) return <ErrorBox error={summary.error} />;
  if (!s) return <p class="loading">{t('app.loading')}</p>;
  const [lowFen, highFen] = s.tiersFen;
  const locale = currentLocale();
  const line = (amountFen: number, actual: number, target: number | null, met: boolean | null) => {
    const label = t('stars.dash.income_low', { amount: wanYuan(amountFen, locale) });
    return (
      <div class={`stat${met === false ? ' warn' : met ? ' good' : ''}`}>
        <div class="stat-value">{target === null ? actual : `${actual} / ${target}`}</div>
        <div class="stat-label">{target === null ? t('income.progress_no_target', { label, actual }) : t('income.progress', { label, actual, target })}</div>
      </div>
    );
  };
  return (
    <>
      <div class="stats">
        {line(lowFen, s.progress.atLeastLow, s.progress.targetLow, s.progress.lowMet)}
        {line(highFen, s.progress.atLeastHigh, s.progress.targetHigh, s.progress.highMet)}
        <div class="stat">
          <div class="stat-value amount">{yuan(s.totalFen)}</div>
          <div class="stat-label">{t('stars.dash.income_total', { amount: '' })}</div>
        </div>
      </div>
      {can('township_admin') && <TargetForm key={`${props.year}-${s.target?.villagesAtLeastLow}`} slug={props.slug} year={props.year} summary={s} onDone={summary.reload} />}
      <Table
        head={
          <tr>
            <th scope="col">{t('common.village')}</th>
            <th scope="col" class="num">{t('income.village_total')}</th>
            <th scope="col">{t('income.tier')}</th>
          </tr>
        }
      >
        {s.villages.map((v) => (
          <tr key={v.villageId}>
            <th scope="row">{v.villageName}</th>
            <td class="num amount">{yuan(v.totalFen)}</td>
            <td>
              <TierBadge tier={v.tier} tiersFen={s.tiersFen} />
            </td>
          </tr>
        ))}
      </Table>
    </>
  );
}

/** Collective income: entries per village-year by source (yuan in, fen stored), audited history, tiers and target, import. */
export function IncomePage(props: { slug: string }) {
  const own = ownVillageId.value;
  const [tab, setTab] = useState<'entries' | 'summary' | 'import'>('entries');
  const [year, setYear] = useState(shanghaiYear());
  const [villageId, setVillageId] = useState('');
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const tabs = (['entries', 'summary', 'import'] as const).filter((k) => k !== 'import' || can('township_admin', 'village_secretary'));
  return (
    <section>
      <h1>{t('income.title')}</h1>
      <Tabs value={tab} options={tabs.map((k) => ({ key: k, label: t(`income.${k}`) }))} onChange={setTab} />
      <div class="toolbar">
        <YearSelect slug={props.slug} value={year} onChange={setYear} />
        {tab === 'entries' && <VillageFilter villages={villages.data ?? []} value={villageId} onChange={setVillageId} />}
      </div>
      <ErrorBox error={villages.error} />
      {tab === 'entries' && <Entries key={`${year}-${villageId}`} slug={props.slug} year={year} villages={villages.data ?? []} villageId={own ?? villageId} />}
      {tab === 'summary' && <SummaryView slug={props.slug} year={year} />}
      {tab === 'import' && <IncomeImport slug={props.slug} year={year} />}
    </section>
  );
}
