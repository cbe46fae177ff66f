/** 测评问卷: the questionnaires per subject kind with their versions and items; editing one in use saves a new version (the API decides). */
import { useState } from 'preact/hooks';
import { call } from '../../shared/api';
import { can } from '../session';
import { t } from '../t';
import { Check, ErrorBox, Field, SelectField, SheetForm, Table, useLoad, useSubmit } from '../ui';
import { evaluationApi, evaluationClient, groupLabel, kindLabel, RATER_GROUPS, type Questionnaire, type QuestionnaireItem, type RaterGroup, type SubjectKind } from './evaluation-common';
import { SUBJECT_KINDS } from '../../../src/domain/vocabulary';

const DEFAULT_OPTIONS = [
  { label: '好', points: 10 },
  { label: '较好', points: 8 },
  { label: '一般', points: 6 },
  { label: '差', points: 3 },
];

function ItemsTable(props: { items: QuestionnaireItem[] }) {
  return (
    <Table
      head={
        <tr>
          <th scope="col" class="num">#</th>
          <th scope="col">{t('eval.q.col_item')}</th>
          <th scope="col" class="wide-only">{t('eval.q.col_groups')}</th>
          <th scope="col">{t('eval.q.col_options')}</th>
        </tr>
      }
    >
      {props.items.map((item, i) => (
        <tr key={item.key}>
          <td class="num">{i + 1}</td>
          <td class="wrap">{item.text}</td>
          <td class="wide-only">{item.groups ? item.groups.map(groupLabel).join('、') : t('eval.q.all_groups')}</td>
          <td class="wrap">{item.options.map((o) => `${o.label} ${o.points}`).join(' · ')}</td>
        </tr>
      ))}
    </Table>
  );
}

interface DraftItem {
  key: string;
  text: string;
  groups: RaterGroup[];
  options: { label: string; points: string }[];
}

const toDraft = (item: QuestionnaireItem): DraftItem => ({
  key: item.key,
  text: item.text,
  groups: item.groups ?? [],
  options: item.options.map((o) => ({ label: o.label, points: String(o.points) })),
});

function nextKey(items: DraftItem[]): string {
  for (let n = items.length + 1; ; n++) if (!items.some((i) => i.key === `item${n}`)) return `item${n}`;
}

/** The editor of a questionnaire (a new one, or the next version of one). */
function QuestionnaireForm(props: { slug: string; questionnaire?: Questionnaire; kind: SubjectKind; onDone(message: string): void; onClose(): void }) {
  const q = props.questionnaire;
  const [name, setName] = useState(q?.name ?? '');
  const [kind, setKind] = useState<SubjectKind>(q?.subjectKind ?? props.kind);
  const [items, setItems] = useState<DraftItem[]>(
    q ? q.items.map(toDraft) : [{ key: 'item1', text: '', groups: [], options: DEFAULT_OPTIONS.map((o) => ({ label: o.label, points: String(o.points) })) }],
  );
  const update = (i: number, patch: Partial<DraftItem>) => setItems(items.map((item, j) => (j === i ? { ...item, ...patch } : item)));
  const submit = useSubmit(async () => {
    const body = {
      name: name.trim(),
      items: items.map((item) => ({
        key: item.key,
        text: item.text.trim(),
        ...(item.groups.length && item.groups.length < RATER_GROUPS.length ? { groups: item.groups } : {}),
        options: item.options.map((o) => ({ label: o.label.trim(), points: Number(o.points) })),
      })),
    };
    if (q) {
      const saved = await call(evaluationClient(props.slug).questionnaires[':id'].$put({ param: { id: q.id }, json: body }));
      props.onDone(saved.id === q.id ? t('eval.q.saved_in_place') : t('eval.q.saved_new_version', { n: saved.version }));
    } else {
      await call(evaluationClient(props.slug).questionnaires.$post({ json: { ...body, subjectKind: kind } }));
      props.onDone(t('eval.q.created'));
    }
  });
  return (
    <SheetForm
      title={q ? t('eval.q.edit') : t('eval.q.new')}
      onClose={props.onClose}
      submit={submit}
      actionsClass="sticky"
      intro={<p class="notice">{t('eval.q.version_rule')}</p>}
    >
      <Field label={t('eval.q.name')}>{(id) => <input id={id} required maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      {!q && (
        <SelectField
          label={t('eval.q.kind')}
          value={kind}
          onChange={setKind}
          options={SUBJECT_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
        />
      )}
      {items.map((item, i) => (
        <fieldset key={item.key} class="card">
          <legend>{t('eval.q.item', { n: i + 1 })}</legend>
          <Field label={t('eval.q.item_text')}>
            {(id) => <textarea id={id} rows={2} required maxLength={200} value={item.text} onInput={(e) => update(i, { text: e.currentTarget.value })} />}
          </Field>
          <div class="field-title">{t('eval.q.item_groups')}</div>
          <div class="flags">
            {RATER_GROUPS.map((g) => (
              <Check
                key={g}
                label={groupLabel(g)}
                checked={item.groups.includes(g)}
                onChange={(on) => update(i, { groups: on ? [...item.groups, g] : item.groups.filter((x) => x !== g) })}
              />
            ))}
          </div>
          <div class="field-title">{t('eval.q.options')}</div>
          {item.options.map((o, j) => (
            <div key={j} class="ev-option-row">
              <input
                aria-label={`${t('eval.q.option_label')} ${j + 1}`}
                required
                maxLength={20}
                value={o.label}
                onInput={(e) => update(i, { options: item.options.map((x, k) => (k === j ? { ...x, label: e.currentTarget.value } : x)) })}
              />
              <input
                aria-label={`${t('eval.q.option_points')} ${j + 1}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                required
                value={o.points}
                onInput={(e) => update(i, { options: item.options.map((x, k) => (k === j ? { ...x, points: e.currentTarget.value } : x)) })}
              />
              <button
                type="button"
                class="secondary small"
                disabled={item.options.length <= 2}
                aria-label={t('eval.q.remove_option')}
                onClick={() => update(i, { options: item.options.filter((_, k) => k !== j) })}
              >
                ✕
              </button>
            </div>
          ))}
          <div class="form-actions">
            <button
              type="button"
              class="secondary small"
              disabled={item.options.length >= 6}
              onClick={() => update(i, { options: [...item.options, { label: '', points: '0' }] })}
            >
              {t('eval.q.add_option')}
            </button>
            {i > 0 && (
              <button type="button" class="secondary small" onClick={() => setItems([...items.slice(0, i - 1), item, items[i - 1], ...items.slice(i + 1)])}>
                {t('eval.q.move_up')}
              </button>
            )}
            <button
              type="button"
              class="secondary small danger push-right"
              disabled={items.length <= 1}
              onClick={() => setItems(items.filter((_, k) => k !== i))}
            >
              {t('eval.q.remove_item')}
            </button>
          </div>
        </fieldset>
      ))}
      <button
        type="button"
        class="secondary"
        disabled={items.length >= 40}
        onClick={() =>
          setItems([...items, { key: nextKey(items), text: '', groups: [], options: DEFAULT_OPTIONS.map((o) => ({ label: o.label, points: String(o.points) })) }])
        }
      >
        {t('eval.q.add_item')}
      </button>
    </SheetForm>
  );
}

/** The questionnaires: per kind, per family the latest version with its items, older versions folded. */
export function QuestionnaireList(props: { slug: string }) {
  const list = useLoad(() => evaluationApi.questionnaires(props.slug), [props.slug]);
  const [editing, setEditing] = useState<{ questionnaire?: Questionnaire; kind: SubjectKind } | undefined>();
  const [message, setMessage] = useState('');
  const writable = can('township_admin');
  if (!list.data) return list.error ? <ErrorBox error={list.error} /> : <p class="loading">{t('app.loading')}</p>;
  const families = new Map<string, Questionnaire[]>();
  for (const q of list.data) families.set(q.family, [...(families.get(q.family) ?? []), q]);
  for (const versions of families.values()) versions.sort((a, b) => b.version - a.version);
  return (
    <section>
      <div class="page-head">
        <h2>{t('eval.tab.questionnaires')}</h2>
        {writable && (
          <button type="button" onClick={() => setEditing({ kind: 'branch' })}>
            {t('eval.q.new')}
          </button>
        )}
      </div>
      <p class="muted">{t('eval.q.intro')}</p>
      <p class="notice">{t('eval.q.version_rule')}</p>
      {message && (
        <p class="ok" role="status">
          {message}
        </p>
      )}
      {SUBJECT_KINDS.map((kind) => (
        <div key={kind}>
          <h2>{kindLabel(kind)}</h2>
          {[...families.values()]
            .filter((versions) => versions[0].subjectKind === kind)
            .map(([latest, ...older]) => (
              <div key={latest.family} class="card">
                <div class="page-head">
                  <h3>
                    {latest.name} <span class="tag">{t('eval.q.version', { n: latest.version })}</span>
                    <span class="sub muted"> {t('eval.q.items', { n: latest.items.length })}</span>
                  </h3>
                  {writable && (
                    <button type="button" class="secondary small" onClick={() => setEditing({ questionnaire: latest, kind })}>
                      {t('eval.q.edit')}
                    </button>
                  )}
                </div>
                <ItemsTable items={latest.items} />
                {older.length > 0 && (
                  <details>
                    <summary>{t('eval.q.older', { n: older.length })}</summary>
                    {older.map((q) => (
                      <div key={q.id}>
                        <h4>
                          {q.name} · {t('eval.q.version', { n: q.version })}
                        </h4>
                        <ItemsTable items={q.items} />
                      </div>
                    ))}
                  </details>
                )}
              </div>
            ))}
        </div>
      ))}
      {editing && (
        <QuestionnaireForm
          slug={props.slug}
          questionnaire={editing.questionnaire}
          kind={editing.kind}
          onClose={() => setEditing(undefined)}
          onDone={(text) => {
            setEditing(undefined);
            setMessage(text);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
