import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { RED_LINE_SOURCES as SOURCES, type RedLineMode, type RedLineSource as Source } from '../../../src/domain/vocabulary';
import { currentLocale, shanghaiTime } from '../../shared/i18n';
import { can, ownVillageId } from '../session';
import { t, type MessageKey } from '../t';
import { Check, ErrorBox, Field, SelectField, Sheet, SheetForm, Table, useLoad, useSubmit } from '../ui';
import { loadVillages, type Village } from './villages';
import { shanghaiYear, YearSelect } from './stars-common';
import { fenToInput, parseYuan, wanYuan } from './stars-money';
import './stars.css';
import { Tabs, VillageFilter, VillageSelect } from './ledgers-common';
import { thresholdFits } from '../../../src/features/stars/rules';

/** Manual first: most red lines are recorded by the township. */
const MODES: readonly RedLineMode[] = ['manual', 'computed'];

const starsClient = (slug: string) => tenant(slug).stars;
type Rule = AnswerOf<ReturnType<typeof starsClient>['red-line-rules']['$get']>[number];
type RecordRow = AnswerOf<ReturnType<typeof starsClient>['red-line-records']['$get']>['items'][number];

/** The threshold of a computed rule in words ("低于 5万元 即触碰"). */
function thresholdText(rule: Pick<Rule, 'source' | 'threshold'>): string {
  if (!rule.source || rule.threshold === null) return '';
  if (rule.source === 'income_floor') return t('stars.rl.threshold.income_floor', { amount: wanYuan(rule.threshold, currentLocale()) });
  return t(`stars.rl.threshold.${rule.source}` as MessageKey, { n: rule.threshold });
}

function RuleForm(props: { slug: string; rule?: Rule; onClose(): void; onDone(): void }) {
  const r = props.rule;
  const [title, setTitle] = useState(r?.title ?? '');
  const [description, setDescription] = useState(r?.description ?? '');
  const [mode, setMode] = useState<Rule['mode']>(r?.mode ?? 'manual');
  const [source, setSource] = useState<Source>(r?.source ?? 'reserve_cadres');
  const [threshold, setThreshold] = useState(r?.threshold === null || r?.threshold === undefined ? '' : r.source === 'income_floor' ? fenToInput(r.threshold) : String(r.threshold));
  const [enabled, setEnabled] = useState(r?.enabled ?? true);
  const thresholdValue = source === 'income_floor' ? parseYuan(threshold) : threshold.trim() === '' ? null : Number(threshold);
  const thresholdOk = mode === 'manual' || (thresholdValue !== null && thresholdFits(source, thresholdValue));
  const submit = useSubmit(async () => {
    const body = {
      title: title.trim(),
      description: description.trim(),
      mode,
      source: mode === 'computed' ? source : null,
      threshold: mode === 'computed' ? thresholdValue : null,
      enabled,
    };
    if (r) await call(starsClient(props.slug)['red-line-rules'][':id'].$put({ param: { id: r.id }, json: { ...body, sortOrder: r.sortOrder } }));
    else await call(starsClient(props.slug)['red-line-rules'].$post({ json: body }));
    props.onDone();
  });
  return (
    <SheetForm
      title={r ? t('stars.rl.edit_rule') : t('stars.rl.new_rule')}
      onClose={props.onClose}
      submit={submit}
      ready={thresholdOk}
      errorLabels={{ title: t('stars.rl.title_label'), source: t('stars.rl.source'), threshold: t('stars.rl.threshold') }}
    >
      <Field label={t('stars.rl.title_label')}>
        {(id) => <input id={id} required maxLength={80} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <Field label={t('stars.rl.description')}>
        {(id) => <textarea id={id} maxLength={500} rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <SelectField
        label={t('stars.rl.mode')}
        value={mode}
        onChange={setMode}
        options={MODES.map((m) => ({ value: m, label: t(`stars.rl.mode.${m}`) }))}
      />
      {mode === 'computed' && (
        <div class="form-grid">
          <SelectField label={t('stars.rl.source')} value={source} onChange={setSource} options={SOURCES.map((s) => ({ value: s, label: t(`stars.rl.source.${s}`) }))} />
          <Field label={t(`stars.rl.threshold_label.${source}`)}>
            {(id) => <input id={id} required inputMode="decimal" value={threshold} onInput={(e) => setThreshold(e.currentTarget.value)} />}
          </Field>
        </div>
      )}
      {!thresholdOk && threshold.trim() !== '' && <p class="field-error">{t('field.invalid_number')}</p>}
      <Check label={t('stars.rl.enabled')} checked={enabled} onChange={setEnabled} />
    </SheetForm>
  );
}

function Catalogue(props: { slug: string; rules: Rule[]; onChange(): void }) {
  const [editing, setEditing] = useState<Rule | 'new'>();
  const admin = can('township_admin');
  return (
    <>
      <p class="muted">{t('stars.rl.catalogue_hint')}</p>
      {admin && (
        <button type="button" onClick={() => setEditing('new')}>
          {t('stars.rl.new_rule')}
        </button>
      )}
      <Table
        head={
          <tr>
            <th scope="col" class="num">{t('stars.rl.order')}</th>
            <th scope="col">{t('stars.rl.rule')}</th>
            <th scope="col">{t('stars.rl.mode')}</th>
            {admin && <th scope="col" class="actions">{t('common.actions')}</th>}
          </tr>
        }
      >
        {props.rules.map((rule, i) => (
          <tr key={rule.id} class={rule.enabled ? undefined : 'muted'}>
            <td class="num">{i + 1}</td>
            <th scope="row" class="wrap">
              {rule.title}
              {!rule.enabled && <span class="tag">{t('stars.rl.disabled')}</span>}
              {rule.description && <div class="sub muted">{rule.description}</div>}
            </th>
            <td class="wrap">
              {t(`stars.rl.mode.${rule.mode}`)}
              {rule.mode === 'computed' && rule.source && (
                <div class="sub muted">
                  {t(`stars.rl.source.${rule.source}`)}:{thresholdText(rule)}
                </div>
              )}
            </td>
            {admin && (
              <td class="actions">
                <button type="button" class="secondary small" onClick={() => setEditing(rule)} aria-label={`${t('common.edit')} ${rule.title}`}>
                  {t('common.edit')}
                </button>
              </td>
            )}
          </tr>
        ))}
      </Table>
      {editing && (
        <RuleForm
          slug={props.slug}
          rule={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            props.onChange();
          }}
        />
      )}
    </>
  );
}

function RecordForm(props: { slug: string; rules: Rule[]; villages: Village[]; year: number; villageId: string; onClose(): void; onDone(): void }) {
  const manual = props.rules.filter((r) => r.mode === 'manual' && r.enabled);
  const [ruleId, setRuleId] = useState('');
  const [villageId, setVillageId] = useState(props.villageId);
  const [year, setYear] = useState(props.year);
  const [note, setNote] = useState('');
  const [evidence, setEvidence] = useState('');
  const submit = useSubmit(async () => {
    const lines = evidence.split('\n').map((l) => l.trim()).filter(Boolean);
    await call(starsClient(props.slug)['red-line-records'].$post({ json: { ruleId, villageId, year, note: note.trim(), evidence: lines } }));
    props.onDone();
  });
  if (manual.length === 0) {
    return (
      <Sheet title={t('stars.rl.record_title')} onClose={props.onClose}>
        <p>{t('stars.rl.no_manual_rules')}</p>
      </Sheet>
    );
  }
  return (
    <SheetForm
      title={t('stars.rl.record_title')}
      onClose={props.onClose}
      submit={submit}
      ready={!!ruleId && !!villageId}
      errorLabels={{ note: t('stars.rl.note'), evidence: t('stars.rl.evidence') }}
    >
      <VillageSelect villages={props.villages} value={villageId} onChange={setVillageId} />
      <YearSelect slug={props.slug} value={year} onChange={setYear} />
      <SelectField
        label={t('stars.rl.rule')}
        required
        value={ruleId}
        onChange={setRuleId}
        placeholder={t('stars.rl.choose_rule')}
        options={manual.map((r) => ({ value: r.id, label: r.title }))}
      />
      <Field label={t('stars.rl.note')}>
        {(id) => <textarea id={id} required maxLength={500} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <Field label={t('stars.rl.evidence')} hint={t('stars.rl.evidence_hint')}>
        {(id) => <textarea id={id} rows={3} value={evidence} onInput={(e) => setEvidence(e.currentTarget.value)} />}
      </Field>
    </SheetForm>
  );
}

function RevokeForm(props: { slug: string; record: RecordRow; onClose(): void; onDone(): void }) {
  const [note, setNote] = useState('');
  const submit = useSubmit(async () => {
    await call(starsClient(props.slug)['red-line-records'][':id'].revoke.$post({ param: { id: props.record.id }, json: { note: note.trim() } }));
    props.onDone();
  });
  return (
    <SheetForm
      title={t('stars.rl.revoke_title')}
      onClose={props.onClose}
      submit={submit}
      ready={!!note.trim()}
      label={t('stars.rl.revoke')}
      busyLabel={t('stars.rl.revoke')}
      danger
      intro={
        <p>
          {props.record.villageName} · {t('stars.year_label', { year: props.record.year })} · {props.record.ruleTitle}
        </p>
      }
    >
      <Field label={t('stars.rl.revoke_note')}>
        {(id) => <textarea id={id} required maxLength={500} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
    </SheetForm>
  );
}

function Records(props: { slug: string; rules: Rule[] }) {
  const own = ownVillageId.value;
  const admin = can('township_admin');
  const [year, setYear] = useState(shanghaiYear());
  const [villageId, setVillageId] = useState('');
  const [withRevoked, setWithRevoked] = useState(false);
  const [recording, setRecording] = useState(false);
  const [revoking, setRevoking] = useState<RecordRow>();
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const records = useLoad(() => {
    return call(starsClient(props.slug)['red-line-records'].$get({ query: { year: String(year), includeRevoked: String(withRevoked), ...(villageId && !own ? { villageId } : {}) } }));
  }, [props.slug, year, villageId, withRevoked]);
  const done = () => {
    setRecording(false);
    setRevoking(undefined);
    records.reload();
  };
  const items = records.data?.items ?? [];

  return (
    <>
      <div class="toolbar">
        <YearSelect slug={props.slug} value={year} onChange={setYear} />
        <VillageFilter villages={villages.data ?? []} value={villageId} onChange={setVillageId} />
        {admin && (
          <button type="button" onClick={() => setRecording(true)}>
            {t('stars.rl.record')}
          </button>
        )}
      </div>
      <Check label={t('stars.rl.show_revoked')} checked={withRevoked} onChange={setWithRevoked} />
      <ErrorBox error={records.error ?? villages.error} />
      {records.data && items.length === 0 && <p class="muted">{t('stars.rl.no_records')}</p>}
      {items.length > 0 && (
        <Table
          head={
            <tr>
              <th scope="col">{t('common.village')}</th>
              <th scope="col">{t('stars.rl.rule')}</th>
              <th scope="col">{t('stars.rl.note')}</th>
              <th scope="col">{t('stars.rl.evidence')}</th>
              <th scope="col">{t('stars.rl.recorded_at')}</th>
              {admin && <th scope="col" class="actions">{t('common.actions')}</th>}
            </tr>
          }
        >
          {items.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                {r.villageName}
                <div class="sub muted">{t('stars.year_label', { year: r.year })}</div>
              </th>
              <td class={`wrap${r.revokedAt ? ' revoked' : ''}`}>{r.ruleTitle}</td>
              <td class="wrap">
                {r.note}
                {r.revokedAt && <div class="sub muted">{t('stars.rl.revoked', { at: shanghaiTime(r.revokedAt), note: r.revokeNote ?? '' })}</div>}
              </td>
              <td class="wrap">
                <ul class="reasons">
                  {r.evidence.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
              </td>
              <td>{shanghaiTime(r.recordedAt)}</td>
              {admin && (
                <td class="actions">
                  {!r.revokedAt && (
                    <button type="button" class="secondary small danger" onClick={() => setRevoking(r)}>
                      {t('stars.rl.revoke')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {recording && (
        <RecordForm
          slug={props.slug}
          rules={props.rules}
          villages={villages.data ?? []}
          year={year}
          villageId={villageId}
          onClose={() => setRecording(false)}
          onDone={done}
        />
      )}
      {revoking && <RevokeForm slug={props.slug} record={revoking} onClose={() => setRevoking(undefined)} onDone={done} />}
    </>
  );
}

/** The red-line catalogue (the nine rules and any the township adds) and the red lines recorded by hand. */
export function StarsRedLinesPage(props: { slug: string }) {
  const [tab, setTab] = useState<'catalogue' | 'records'>('catalogue');
  const rules = useLoad(() => call(starsClient(props.slug)['red-line-rules'].$get()), [props.slug]);
  return (
    <section>
      <h1>{t('stars.rl.title')}</h1>
      <Tabs value={tab} options={(['catalogue', 'records'] as const).map((k) => ({ key: k, label: t(`stars.rl.${k}`) }))} onChange={setTab} />
      <ErrorBox error={rules.error} />
      {!rules.data && !rules.error && <p class="loading">{t('app.loading')}</p>}
      {rules.data && tab === 'catalogue' && <Catalogue slug={props.slug} rules={rules.data} onChange={rules.reload} />}
      {rules.data && tab === 'records' && <Records slug={props.slug} rules={rules.data} />}
    </section>
  );
}
