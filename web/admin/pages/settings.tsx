import { useEffect, useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { can } from '../session';
import { t, type MessageKey } from '../t';
import { Check, ErrorBox, Field, Form, FormActions, SelectField, useLoad, useSubmit } from '../ui';
import { MEETING_FREQUENCIES, MEETING_KINDS } from '../../../src/domain/vocabulary';

/** The settings this page edits, as the API answers them; every key is sent back, the ones this page does not show unchanged. */
type Settings = AnswerOf<ReturnType<typeof tenant>['settings']['$get']>;

const WEIGHTS: { key: keyof Settings['weights']; label: MessageKey }[] = [
  { key: 'self', label: 'settings.self' },
  { key: 'peer', label: 'settings.peer' },
  { key: 'villager', label: 'settings.villager' },
  { key: 'leader', label: 'settings.leader' },
];

/** A number field bound to a number; `scale` shows stored units in display units (fen → yuan, hundredths → points). */
function NumberField(props: { label: string; value: number; onChange(value: number): void; scale?: number; step?: number; min?: number; max?: number; disabled?: boolean }) {
  const scale = props.scale ?? 1;
  const [text, setText] = useState(String(props.value / scale));
  useEffect(() => {
    if (Number(text) * scale !== props.value) setText(String(props.value / scale));
  }, [props.value]);
  return (
    <Field label={props.label}>
      {(id) => (
        <input
          id={id}
          type="number"
          inputMode="decimal"
          step={props.step ?? 1}
          min={props.min}
          max={props.max}
          required
          disabled={props.disabled}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            const n = Number(e.currentTarget.value);
            if (e.currentTarget.value !== '' && Number.isFinite(n)) props.onChange(Math.round(n * scale));
          }}
        />
      )}
    </Field>
  );
}

export function SettingsPage(props: { slug: string }) {
  const loaded = useLoad(() => call(tenant(props.slug).settings.$get()), [props.slug]);
  const [draft, setDraft] = useState<Settings>();
  const [saved, setSaved] = useState(false);
  useEffect(() => loaded.data && setDraft(structuredClone(loaded.data)), [loaded.data]);
  const save = useSubmit(async () => {
    if (draft) setDraft(await call(tenant(props.slug).settings.$put({ json: draft })));
    setSaved(true);
  });
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!draft) return <p class="loading">{t('app.loading')}</p>;

  const readOnly = !can('township_admin');
  const edit = (change: (s: Settings) => void) => {
    const next = structuredClone(draft);
    change(next);
    setDraft(next);
    setSaved(false);
  };
  const sum = WEIGHTS.reduce((total, w) => total + draft.weights[w.key], 0);
  const thresholdsFalling = draft.starThresholds.every((v, i, all) => i === 0 || v < all[i - 1]);
  const valid = sum === 100 && thresholdsFalling;
  const n = (label: MessageKey, value: number, set: (s: Settings, v: number) => void, extra: { scale?: number; step?: number; min?: number; max?: number } = {}) => (
    <NumberField label={t(label)} value={value} onChange={(v) => edit((s) => set(s, v))} disabled={readOnly} {...extra} />
  );

  return (
    <Form onSubmit={() => valid && save.run()}>
      <h1>{t('settings.title')}</h1>
      <fieldset class="card" disabled={readOnly}>
        <legend>{t('settings.weights')}</legend>
        <p class="muted">{t('settings.weights_hint')}</p>
        <div class="form-grid four">
          {WEIGHTS.map((w) => (
            <NumberField key={w.key} label={t(w.label)} value={draft.weights[w.key]} min={0} max={100} onChange={(v) => edit((s) => (s.weights[w.key] = v))} disabled={readOnly} />
          ))}
        </div>
        <p class={sum === 100 ? 'ok' : 'error'} role="status">
          {sum === 100 ? t('settings.weights_sum', { sum }) : t('settings.weights_bad', { sum })}
        </p>
      </fieldset>

      <fieldset class="card" disabled={readOnly}>
        <legend>{t('settings.thresholds')}</legend>
        <div class="form-grid four">
          {draft.starThresholds.map((value, i) => (
            <NumberField
              key={i}
              label={t('settings.star', { n: 5 - i })}
              value={value}
              scale={100}
              step={0.01}
              min={0}
              max={100}
              onChange={(v) => edit((s) => (s.starThresholds[i] = v))}
              disabled={readOnly}
            />
          ))}
        </div>
        {!thresholdsFalling && <p class="error">{t('settings.thresholds_bad')}</p>}
      </fieldset>

      <fieldset class="card" disabled={readOnly}>
        <legend>{t('settings.evaluation')}</legend>
        <div class="form-grid">
          {n('settings.anonymity', draft.anonymityMinBallots, (s, v) => (s.anonymityMinBallots = v), { min: 1, max: 100 })}
          {n('settings.small_group', draft.smallGroupMinBallots, (s, v) => (s.smallGroupMinBallots = v), { min: 1, max: 100 })}
          {n('settings.notice_days', draft.noticeDays, (s, v) => (s.noticeDays = v), { min: 1, max: 60 })}
          {n('settings.finalise_day', draft.finaliseDay, (s, v) => (s.finaliseDay = v), { min: 1, max: 31 })}
        </div>
        <Check label={t('settings.household_code')} checked={draft.requireHouseholdCode} disabled={readOnly} onChange={(v) => edit((s) => (s.requireHouseholdCode = v))} />
      </fieldset>

      <fieldset class="card" disabled={readOnly}>
        <legend>{t('settings.income')}</legend>
        <div class="form-grid">
          {draft.incomeTiersFen.map((value, i) => (
            <NumberField key={i} label={t('settings.income_tier', { n: i + 1 })} value={value} scale={100} min={0} onChange={(v) => edit((s) => (s.incomeTiersFen[i] = v))} disabled={readOnly} />
          ))}
        </div>
      </fieldset>

      <fieldset class="card" disabled={readOnly}>
        <legend>{t('settings.consequences')}</legend>
        <div class="form-grid">
          {n('settings.secretary_pay', draft.consequences.secretaryPayFen, (s, v) => (s.consequences.secretaryPayFen = v), { scale: 100, min: 0 })}
          {n('settings.star_award', draft.consequences.starAwardFen, (s, v) => (s.consequences.starAwardFen = v), { scale: 100, min: 0 })}
          {n('settings.promotion_award', draft.consequences.promotionAwardFen, (s, v) => (s.consequences.promotionAwardFen = v), { scale: 100, min: 0 })}
        </div>
      </fieldset>

      <fieldset class="card" disabled={readOnly}>
        <legend>{t('settings.contact')}</legend>
        {(['membersPerCommittee', 'householdsPerMember'] as const).map((key) => (
          <div key={key}>
            <p class="field-title">{t(key === 'membersPerCommittee' ? 'settings.members_per_committee' : 'settings.households_per_member')}</p>
            <div class="form-grid">
              {n('settings.min', draft.contact[key].min, (s, v) => (s.contact[key].min = v), { min: 0, max: 100 })}
              {n('settings.max', draft.contact[key].max, (s, v) => (s.contact[key].max = v), { min: 0, max: 100 })}
            </div>
          </div>
        ))}
        {n('settings.must_visit_days', draft.contact.mustVisitDays, (s, v) => (s.contact.mustVisitDays = v), { min: 1, max: 365 })}
      </fieldset>

      <fieldset class="card" disabled={readOnly}>
        <legend>{t('orglife.frequency')}</legend>
        <p class="muted">{t('orglife.frequency_hint')}</p>
        <div class="form-grid">
          {MEETING_KINDS.map((kind) => (
            <SelectField
              key={kind}
              label={t(`orglife.kind.${kind}`)}
              value={draft.orgLife[kind]}
              onChange={(value) => setDraft({ ...draft, orgLife: { ...draft.orgLife, [kind]: value } })}
              options={MEETING_FREQUENCIES.map((f) => ({ value: f, label: t(`orglife.frequency.${f}`) }))}
            />
          ))}
        </div>
      </fieldset>

      <ErrorBox error={save.error} />
      {!readOnly && (
        <FormActions class="sticky" busy={save.busy} ready={valid}>
          {saved && <span class="ok" role="status">{t('common.saved')}</span>}
        </FormActions>
      )}
    </Form>
  );
}
