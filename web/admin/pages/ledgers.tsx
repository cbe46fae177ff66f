/** Other ledgers: dispute mediation (矛盾纠纷调处) with the township's counts, and the weak-and-lax villages ledger. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { DISPUTE_LEVELS as LEVELS, DISPUTE_STATUSES, type DisputeLevel as Level, type DisputeStatus } from '../../../src/domain/vocabulary';
import { can, ownVillageId } from '../session';
import { t } from '../t';
import { ErrorBox, Field, ListBody, ListTable, Pager, SelectField, SheetForm, Table, useLoad, useSubmit } from '../ui';
import { shanghaiDate, shanghaiYear, Stat, Tabs, VillageSelect } from './ledgers-common';
import { loadVillages, type Village } from './villages';
import './ledgers.css';

const statusChoices = () => DISPUTE_STATUSES.map((s) => ({ value: s, label: t(`disputes.status.${s}`) }));

const ledgersClient = (slug: string) => tenant(slug).ledgers;
type Ledgers = ReturnType<typeof ledgersClient>;
type Dispute = AnswerOf<Ledgers['disputes']['$get']>['items'][number];
type WeakVillage = AnswerOf<Ledgers['weak-villages']['$get']>['items'][number];

const PAGE_SIZE = 20;
const statusClass = (s: DisputeStatus) => (s === 'settled' ? 'tag good' : s === 'in_mediation' ? 'tag neutral' : 'tag');

function DisputeForm(props: { slug: string; villages: Village[]; row?: Dispute; onClose(): void; onDone(): void }) {
  const row = props.row;
  const [form, setForm] = useState({
    villageId: row?.villageId ?? ownVillageId.value ?? (props.villages.length === 1 ? props.villages[0].id : ''),
    title: row?.title ?? '',
    parties: row?.parties ?? '',
    occurredOn: row?.occurredOn ?? shanghaiDate(),
    level: row?.level ?? ('village' as Level),
    status: row?.status ?? ('in_mediation' as DisputeStatus),
    outcome: row?.outcome ?? '',
    closedOn: row?.closedOn ?? '',
  });
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const closed = form.status !== 'in_mediation';
  const submit = useSubmit(async () => {
    const body = { ...form, title: form.title.trim(), parties: form.parties.trim(), outcome: form.outcome.trim(), closedOn: closed ? form.closedOn || null : null };
    if (row) await call(ledgersClient(props.slug).disputes[':id'].$put({ param: { id: row.id }, json: body }));
    else await call(ledgersClient(props.slug).disputes.$post({ json: body }));
    props.onDone();
  });
  return (
    <SheetForm
      title={row ? t('disputes.edit') : t('disputes.new')}
      onClose={props.onClose}
      submit={submit}
      errorLabels={{ title: t('disputes.case_title'), occurredOn: t('disputes.occurred_on'), closedOn: t('disputes.closed_on') }}
    >
      <VillageSelect villages={props.villages} value={form.villageId} onChange={(villageId) => set({ villageId })} />
      <Field label={t('disputes.case_title')}>
        {(id) => <input id={id} required maxLength={200} value={form.title} onInput={(e) => set({ title: e.currentTarget.value })} />}
      </Field>
      <Field label={t('disputes.parties')}>
        {(id) => <input id={id} maxLength={1000} value={form.parties} onInput={(e) => set({ parties: e.currentTarget.value })} />}
      </Field>
      <div class="form-grid">
        <Field label={t('disputes.occurred_on')}>
          {(id) => <input id={id} type="date" required value={form.occurredOn} max={shanghaiDate()} onInput={(e) => set({ occurredOn: e.currentTarget.value })} />}
        </Field>
        <SelectField
          label={t('disputes.level')}
          value={form.level}
          onChange={(level) => set({ level })}
          options={LEVELS.map((l) => ({ value: l, label: t(`disputes.level.${l}`) }))}
        />
        <SelectField label={t('ledgers.status')} value={form.status} onChange={(status) => set({ status })} options={statusChoices()} />
        {closed && (
          <Field label={t('disputes.closed_on')}>
            {(id) => <input id={id} type="date" required value={form.closedOn} max={shanghaiDate()} onInput={(e) => set({ closedOn: e.currentTarget.value })} />}
          </Field>
        )}
      </div>
      <Field label={t('disputes.outcome')}>
        {(id) => <textarea id={id} rows={3} maxLength={2000} value={form.outcome} onInput={(e) => set({ outcome: e.currentTarget.value })} />}
      </Field>
    </SheetForm>
  );
}

function Disputes(props: { slug: string; villages: Village[] }) {
  const { slug } = props;
  const [year, setYear] = useState(String(shanghaiYear()));
  const [villageId, setVillageId] = useState('');
  const [status, setStatus] = useState<DisputeStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Dispute | 'new'>();
  const validYear = /^\d{4}$/.test(year) ? year : String(shanghaiYear());
  const summary = useLoad(() => call(ledgersClient(slug).disputes.summary.$get({ query: { year: validYear } })), [slug, validYear]);
  const list = useLoad(() => {
    const query = { year: validYear, limit: String(PAGE_SIZE), offset: String(offset), ...(villageId && !ownVillageId.value ? { villageId } : {}), ...(status ? { status } : {}) };
    return call(ledgersClient(slug).disputes.$get({ query }));
  }, [slug, validYear, villageId, status, offset]);
  const remove = useSubmit(async (row: Dispute) => {
    if (!confirm(t('common.confirm_delete', { name: row.title }))) return;
    await call(ledgersClient(slug).disputes[':id'].$delete({ param: { id: row.id } }));
    setEditing(undefined);
    list.reload();
    summary.reload();
  });
  const writable = can('township_admin', 'village_secretary');
  const showParties = can('township_admin', 'village_secretary');
  const s = summary.data;
  const items = list.data?.items ?? [];
  return (
    <div>
      <div class="page-head">
        <p class="muted">{t('disputes.motto')}</p>
        {writable && (
          <button type="button" onClick={() => setEditing('new')}>
            {t('disputes.new')}
          </button>
        )}
      </div>
      <div class="form-grid four">
        <Field label={t('ledgers.year')}>
          {(id) => <input id={id} type="number" min={2000} max={2100} value={year} onInput={(e) => (setYear(e.currentTarget.value), setOffset(0))} />}
        </Field>
        <VillageSelect villages={props.villages} value={villageId} onChange={(v) => (setVillageId(v), setOffset(0))} allowAll />
        <SelectField label={t('ledgers.status')} value={status} onChange={(st) => (setStatus(st), setOffset(0))} blank={t('ledgers.all')} options={statusChoices()} />
      </div>
      <ErrorBox error={summary.error ?? list.error ?? remove.error} />
      {s && (
        <>
          <p class="summary-line">
            <strong>
              {t('disputes.summary', { year: s.year, settled: s.township.settled, court: s.township.guided_to_court, open: s.township.in_mediation })}
            </strong>
          </p>
          <div class="stats">
            <Stat label={t('disputes.status.settled')} value={s.township.settled} />
            <Stat label={t('disputes.status.guided_to_court')} value={s.township.guided_to_court} />
            <Stat label={t('disputes.status.in_mediation')} value={s.township.in_mediation} warn={s.township.in_mediation > 0} />
            <Stat label={t('disputes.total')} value={s.township.total} />
          </div>
          {s.villages.length > 1 && (
            <details>
              <summary>{t('disputes.by_village')}</summary>
              <Table
                head={
                  <tr>
                    <th scope="col">{t('common.village')}</th>
                    <th scope="col" class="num">{t('disputes.status.settled')}</th>
                    <th scope="col" class="num">{t('disputes.status.guided_to_court')}</th>
                    <th scope="col" class="num">{t('disputes.status.in_mediation')}</th>
                  </tr>
                }
              >
                {s.villages.map((v) => (
                  <tr key={v.villageId}>
                    <th scope="row">{v.villageName}</th>
                    <td class="num">{v.settled}</td>
                    <td class="num">{v.guided_to_court}</td>
                    <td class="num">{v.in_mediation}</td>
                  </tr>
                ))}
              </Table>
            </details>
          )}
        </>
      )}
      <h2>{t('disputes.title')}</h2>
      <ListBody load={list} count={items.length}>
        <ul class="visit-list">
          {items.map((d) => (
            <li key={d.id} class="card">
              <div class="visit-head">
                {writable ? (
                  <button type="button" class="linklike" onClick={() => setEditing(d)}>
                    {d.title}
                  </button>
                ) : (
                  <strong>{d.title}</strong>
                )}
                <span class={statusClass(d.status)}>{t(`disputes.status.${d.status}`)}</span>
              </div>
              <div class="muted">
                {d.villageName} · {t(`disputes.level.${d.level}`)} · {d.occurredOn}
                {d.closedOn && ` → ${d.closedOn}`}
              </div>
              {showParties && d.parties && (
                <div>
                  <span class="muted">{t('disputes.parties')}:</span>
                  {d.parties}
                </div>
              )}
              {d.outcome && <p class="visit-text">{d.outcome}</p>}
              {can('township_admin') && (
                <button type="button" class="secondary small danger" onClick={() => remove.run(d)} aria-label={`${t('common.delete')} ${d.title}`}>
                  {t('common.delete')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </ListBody>
      {list.data && list.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onChange={setOffset} />}
      {editing && (
        <DisputeForm
          slug={slug}
          villages={props.villages}
          row={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            list.reload();
            summary.reload();
          }}
        />
      )}
    </div>
  );
}

function WeakVillageForm(props: { slug: string; villages: Village[]; row?: WeakVillage; onClose(): void; onDone(): void; onDelete?(row: WeakVillage): void }) {
  const row = props.row;
  const [form, setForm] = useState({
    villageId: row?.villageId ?? '',
    yearListed: String(row?.yearListed ?? shanghaiYear()),
    reasons: row?.reasons ?? '',
    measures: row?.measures ?? '',
    turnedAroundOn: row?.turnedAroundOn ?? '',
  });
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const submit = useSubmit(async () => {
    const body = {
      villageId: form.villageId,
      yearListed: Number(form.yearListed),
      reasons: form.reasons.trim(),
      measures: form.measures.trim(),
      turnedAroundOn: form.turnedAroundOn || null,
    };
    if (row) await call(ledgersClient(props.slug)['weak-villages'][':id'].$put({ param: { id: row.id }, json: body }));
    else await call(ledgersClient(props.slug)['weak-villages'].$post({ json: body }));
    props.onDone();
  });
  return (
    <SheetForm
      title={row ? t('weak.edit') : t('weak.new')}
      onClose={props.onClose}
      submit={submit}
      ready={!!form.villageId}
      errorLabels={{ reasons: t('weak.reasons'), yearListed: t('weak.year_listed'), turnedAroundOn: t('weak.turned_around_on') }}
      actions={
        row &&
        props.onDelete && (
          <button type="button" class="secondary danger push-right" onClick={() => props.onDelete!(row)}>
            {t('common.delete')}
          </button>
        )
      }
    >
      <div class="form-grid">
        <VillageSelect villages={props.villages} value={form.villageId} onChange={(villageId) => set({ villageId })} />
        <Field label={t('weak.year_listed')}>
          {(id) => <input id={id} type="number" required min={2000} max={2100} value={form.yearListed} onInput={(e) => set({ yearListed: e.currentTarget.value })} />}
        </Field>
      </div>
      <Field label={t('weak.reasons')}>
        {(id) => <textarea id={id} required rows={3} maxLength={2000} value={form.reasons} onInput={(e) => set({ reasons: e.currentTarget.value })} />}
      </Field>
      <Field label={t('weak.measures')}>
        {(id) => <textarea id={id} rows={3} maxLength={4000} value={form.measures} onInput={(e) => set({ measures: e.currentTarget.value })} />}
      </Field>
      <Field label={t('weak.turned_around_on')} hint={t('weak.turned_hint')}>
        {(id) => <input id={id} type="date" value={form.turnedAroundOn} max={shanghaiDate()} onInput={(e) => set({ turnedAroundOn: e.currentTarget.value })} />}
      </Field>
    </SheetForm>
  );
}

function WeakVillages(props: { slug: string; villages: Village[] }) {
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<WeakVillage | 'new'>();
  const list = useLoad(
    () => call(ledgersClient(props.slug)['weak-villages'].$get({ query: { limit: String(PAGE_SIZE), offset: String(offset) } })),
    [props.slug, offset],
  );
  const remove = useSubmit(async (row: WeakVillage) => {
    if (!confirm(t('common.confirm_delete', { name: `${row.villageName ?? ''} ${row.yearListed}` }))) return;
    await call(ledgersClient(props.slug)['weak-villages'][':id'].$delete({ param: { id: row.id } }));
    setEditing(undefined);
    list.reload();
  });
  const writable = can('township_admin');
  const items = list.data?.items ?? [];
  return (
    <div>
      <div class="page-head">
        <h2>{t('weak.title')}</h2>
        {writable && (
          <button type="button" onClick={() => setEditing('new')}>
            {t('weak.new')}
          </button>
        )}
      </div>
      <ErrorBox error={list.error ?? remove.error} />
      {list.data && (
        <div class="stats">
          <Stat label={t('weak.listed')} value={list.data.total} />
          <Stat label={t('weak.turned')} value={list.data.turnedAround} />
          <Stat label={t('weak.in_progress')} value={list.data.total - list.data.turnedAround} warn={list.data.total > list.data.turnedAround} />
        </div>
      )}
      <ListTable
        load={list}
        count={items.length}
        head={
          <tr>
            <th scope="col">{t('common.village')}</th>
            <th scope="col" class="num">{t('weak.year_listed')}</th>
            <th scope="col">{t('weak.reasons')}</th>
            <th scope="col">{t('weak.measures')}</th>
            <th scope="col">{t('weak.turned_around_on')}</th>
          </tr>
        }
      >
        {items.map((w) => (
          <tr key={w.id}>
            <th scope="row">
              {writable ? (
                <button type="button" class="linklike" onClick={() => setEditing(w)}>
                  {w.villageName}
                </button>
              ) : (
                w.villageName
              )}
            </th>
            <td class="num">{w.yearListed}</td>
            <td class="wrap">{w.reasons}</td>
            <td class="wrap">{w.measures}</td>
            <td>{w.turnedAroundOn ? <span class="tag good">{w.turnedAroundOn}</span> : <span class="tag">{t('weak.in_progress')}</span>}</td>
          </tr>
        ))}
      </ListTable>
      {list.data && list.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onChange={setOffset} />}
      {editing && (
        <WeakVillageForm
          slug={props.slug}
          villages={props.villages}
          row={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onDelete={(row) => remove.run(row)}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
    </div>
  );
}

export function LedgersPage(props: { slug: string }) {
  const { query } = useLocation();
  const [tab, setTab] = useState<'disputes' | 'weak'>(query.tab === 'weak' ? 'weak' : 'disputes');
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  return (
    <section>
      <h1>{t('nav.ledgers')}</h1>
      <Tabs
        label={t('disputes.tabs')}
        value={tab}
        onChange={setTab}
        options={[
          { key: 'disputes', label: t('disputes.tab') },
          { key: 'weak', label: t('weak.tab') },
        ]}
      />
      <ErrorBox error={villages.error} />
      {tab === 'disputes' ? <Disputes slug={props.slug} villages={villages.data ?? []} /> : <WeakVillages slug={props.slug} villages={villages.data ?? []} />}
    </section>
  );
}
