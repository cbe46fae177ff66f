/** 测评活动: the list, the creation and edit form (subjects, questionnaire version, weights with a live check, star thresholds) and one campaign's results. */
import { useMemo, useState } from 'preact/hooks';
import { call, tenant, type AnswerOf, type BodyOf } from '../../shared/api';
import { shanghaiTime } from '../../shared/i18n';
import { can } from '../session';
import { t } from '../t';
import { Check, ErrorBox, Field, ListBody, ListTable, SelectField, Sheet, SheetForm, Table, useLoad, useSubmit } from '../ui';
import {
  evaluationApi,
  evaluationClient,
  groupLabel,
  kindLabel,
  loadMemberNames,
  points,
  RATER_GROUPS,
  shanghaiYear,
  Stars,
  toHundredths,
  type Campaign,
  type CampaignWithUsage,
  type Questionnaire,
  type SubjectKind,
} from './evaluation-common';
import { loadVillages, type Village } from './villages';
import { SUBJECT_KINDS } from '../../../src/domain/vocabulary';

type Settings = AnswerOf<ReturnType<typeof tenant>['settings']['$get']>;
type Weights = Settings['weights'];
type CampaignPatch = BodyOf<ReturnType<typeof evaluationClient>['campaigns'][':id']['$patch']>;

/** The questionnaire versions of a kind, latest first, named "name · version n". */
function versionsOf(questionnaires: Questionnaire[], kind: SubjectKind) {
  return questionnaires.filter((q) => q.subjectKind === kind).sort((a, b) => a.family.localeCompare(b.family) || b.version - a.version);
}

/**
 * What the edit form locks, as the API decides it: with ballots or in a finalised year only the name may
 * change; once a session exists, the subjects and the questionnaire no longer may.
 */
export function campaignLocks(usage: CampaignWithUsage['usage'] | undefined) {
  const settings = usage?.ballots ? 'ballots' : usage?.yearFinal ? 'year' : null;
  const structure = settings ?? (usage && usage.sessions > 0 ? 'sessions' : null);
  return { settings, structure };
}

/** Why a campaign cannot be deleted, or null when it can. */
export function deleteRefusal(c: CampaignWithUsage): string | null {
  if (c.usage.ballots || c.usage.sessions > 0) return t('eval.c.delete_in_use');
  if (c.usage.yearFinal) return t('eval.c.delete_year_final', { year: c.year });
  return null;
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** The creation form, or with `campaign` the edit form of that campaign (the same fields, some locked). */
function CampaignForm(props: { slug: string; campaign?: CampaignWithUsage; onDone(campaign: Campaign): void; onClose(): void }) {
  const { slug } = props;
  const data = useLoad(
    () =>
      Promise.all([
        loadVillages(slug),
        evaluationApi.questionnaires(slug),
        call(tenant(slug).settings.$get()),
      ]).then(([villages, questionnaires, settings]) => ({ villages, questionnaires, settings })),
    [slug],
  );
  if (!data.data)
    return (
      <Sheet title={props.campaign ? t('eval.c.edit_title') : t('eval.c.new')} onClose={props.onClose}>
        {data.error ? <ErrorBox error={data.error} /> : <p class="loading">{t('app.loading')}</p>}
      </Sheet>
    );
  return <CampaignFormBody {...props} {...data.data} />;
}

function CampaignFormBody(props: {
  slug: string;
  campaign?: CampaignWithUsage;
  villages: Village[];
  questionnaires: Questionnaire[];
  settings: Settings;
  onDone(campaign: Campaign): void;
  onClose(): void;
}) {
  const editing = props.campaign;
  const initial = useMemo(() => {
    const chosen = new Set(editing?.villageIds ?? []);
    const all = !editing || (editing.subjectKind === 'branch' && props.villages.every((v) => chosen.has(v.id)));
    return { chosen, all };
  }, []);
  const [kind, setKind] = useState<SubjectKind>(editing?.subjectKind ?? 'branch');
  const [year, setYear] = useState(String(editing?.year ?? shanghaiYear()));
  const [name, setName] = useState(editing?.name ?? '');
  const [allVillages, setAllVillages] = useState(initial.all);
  const [chosen, setChosen] = useState<Set<string>>(initial.chosen);
  const versions = versionsOf(props.questionnaires, kind);
  const [questionnaireId, setQuestionnaireId] = useState(editing?.questionnaireId ?? '');
  const startWeights = editing?.weights ?? props.settings.weights;
  const [weights, setWeights] = useState<Record<keyof Weights, string>>(
    Object.fromEntries(RATER_GROUPS.map((g) => [g, String(startWeights[g])])) as Record<keyof Weights, string>,
  );
  const [thresholds, setThresholds] = useState((editing?.starThresholds ?? props.settings.starThresholds).map((n) => String(n / 100)));
  const locks = campaignLocks(editing?.usage);

  const chosenQuestionnaire = versions.find((q) => q.id === questionnaireId) ?? versions.find((q) => q.family === `default-${kind}`) ?? versions[0];
  const weightSum = RATER_GROUPS.reduce((n, g) => n + (Number(weights[g]) || 0), 0);
  const weightsOk = weightSum === 100 && RATER_GROUPS.every((g) => /^\d{1,3}$/.test(weights[g].trim()));
  const lines = thresholds.map(toHundredths);
  const thresholdsOk = lines.every((n) => Number.isInteger(n) && n >= 0 && n <= 10000) && lines.every((n, i) => i === 0 || lines[i - 1] >= n);
  const needVillages = kind === 'member' || !allVillages;
  const defaultName = t('eval.c.name_default', { year, kind: kindLabel(kind) });

  const submit = useSubmit(async () => {
    const weightsBody: Weights = { self: Number(weights.self), peer: Number(weights.peer), villager: Number(weights.villager), leader: Number(weights.leader) };
    if (!editing) {
      const body = {
        name: name.trim() || defaultName,
        year: Number(year),
        subjectKind: kind,
        questionnaireId: chosenQuestionnaire?.id,
        ...(needVillages ? { villageIds: [...chosen] } : {}),
        weights: weightsBody,
        starThresholds: lines,
      };
      props.onDone(await call(evaluationClient(props.slug).campaigns.$post({ json: body })));
      return;
    }
    // a change sends the name and what is not locked; subjects and questionnaire only when they changed
    const body: CampaignPatch = { name: name.trim() || defaultName };
    if (!locks.settings) Object.assign(body, { weights: weightsBody, starThresholds: lines });
    if (!locks.structure) {
      const kindChanged = kind !== editing.subjectKind;
      if (kindChanged) body.subjectKind = kind;
      const villagesChanged = needVillages ? initial.all || !sameSet(chosen, initial.chosen) : !initial.all;
      if (kindChanged || villagesChanged) body.villageIds = needVillages ? [...chosen] : null;
      if (chosenQuestionnaire && chosenQuestionnaire.id !== editing.questionnaireId) body.questionnaireId = chosenQuestionnaire.id;
    }
    props.onDone(await call(evaluationClient(props.slug).campaigns[':id'].$patch({ param: { id: editing.id }, json: body })));
  });

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  const lockNote = locks.structure && (
    <p class="hint ev-lock" role="note">
      {locks.structure === 'ballots'
        ? t('eval.c.lock_ballots')
        : locks.structure === 'year'
          ? t('eval.c.lock_year', { year: editing!.year })
          : t('eval.c.lock_sessions')}
    </p>
  );

  return (
    <SheetForm
      title={editing ? t('eval.c.edit_title') : t('eval.c.new')}
      onClose={props.onClose}
      submit={submit}
      ready={weightsOk && thresholdsOk && !(needVillages && chosen.size === 0) && !!chosenQuestionnaire}
      label={editing ? t('common.save') : t('eval.c.create')}
      actionsClass="sticky"
      intro={lockNote}
    >
      <fieldset disabled={!!locks.structure}>
        <legend>{t('eval.c.kind')}</legend>
        {SUBJECT_KINDS.map((k) => (
          <label class="check" key={k}>
            <input type="radio" name="kind" checked={kind === k} onChange={() => (setKind(k), setQuestionnaireId(''))} />
            <span>{kindLabel(k)}</span>
          </label>
        ))}
      </fieldset>
      <div class="form-grid">
        <Field label={t('eval.c.year')} hint={editing ? t('eval.c.year_fixed') : undefined}>
          {(id) => (
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min={2000}
              max={2100}
              required
              disabled={!!editing}
              value={year}
              onInput={(e) => setYear(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('eval.c.name')}>
          {(id) => <input id={id} maxLength={60} placeholder={defaultName} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
      </div>
      <fieldset disabled={!!locks.structure}>
        <legend>{t('eval.c.subjects')}</legend>
        {kind === 'branch' && (
          <>
            <label class="check">
              <input type="radio" name="scope" checked={allVillages} onChange={() => setAllVillages(true)} />
              <span>{t('eval.c.all_branches')}</span>
            </label>
            <label class="check">
              <input type="radio" name="scope" checked={!allVillages} onChange={() => setAllVillages(false)} />
              <span>{t('eval.c.chosen_villages')}</span>
            </label>
          </>
        )}
        {kind === 'member' && <p class="hint muted">{t('eval.c.members_of')}</p>}
        {needVillages && (
          <div class="ev-villages">
            <div class="form-actions">
              <strong>{t('eval.c.pick_villages_n', { n: chosen.size })}</strong>
              <button type="button" class="secondary small" onClick={() => setChosen(new Set(props.villages.map((v) => v.id)))}>
                {t('eval.c.select_all')}
              </button>
              <button type="button" class="secondary small" onClick={() => setChosen(new Set())}>
                {t('eval.c.select_none')}
              </button>
            </div>
            <div class="ev-village-grid">
              {props.villages.map((v) => (
                <Check key={v.id} label={v.name} checked={chosen.has(v.id)} onChange={(on) => toggle(v.id, on)} />
              ))}
            </div>
          </div>
        )}
      </fieldset>
      <SelectField
        label={t('eval.c.questionnaire')}
        value={chosenQuestionnaire?.id ?? ''}
        onChange={setQuestionnaireId}
        disabled={!!locks.structure}
        options={versions.map((q) => ({
          value: q.id,
          label: `${q.name} · ${t('eval.q.version', { n: q.version })} · ${t('eval.q.items', { n: q.items.length })}`,
        }))}
      />
      <fieldset disabled={!!locks.settings}>
        <legend>{t('eval.c.weights')}</legend>
        <p class="hint muted">{t('eval.c.weights_hint')}</p>
        <div class="form-grid four">
          {RATER_GROUPS.map((g) => (
            <Field key={g} label={groupLabel(g)}>
              {(id) => (
                <input
                  id={id}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={100}
                  required
                  value={weights[g]}
                  onInput={(e) => setWeights({ ...weights, [g]: e.currentTarget.value })}
                />
              )}
            </Field>
          ))}
        </div>
        <p class={weightsOk ? 'ok' : 'field-error'} role="status" aria-live="polite">
          {weightsOk ? t('eval.c.weights_sum_ok', { sum: weightSum }) : t('eval.c.weights_sum_bad', { sum: weightSum })}
        </p>
      </fieldset>
      <fieldset disabled={!!locks.settings}>
        <legend>{t('eval.c.thresholds')}</legend>
        <p class="hint muted">{t('eval.c.thresholds_hint')}</p>
        <div class="form-grid four">
          {thresholds.map((value, i) => (
            <Field key={i} label={t('eval.c.star_n', { n: 5 - i })}>
              {(id) => (
                <input
                  id={id}
                  type="number"
                  inputMode="decimal"
                  step="0.01"
                  min={0}
                  max={100}
                  required
                  value={value}
                  onInput={(e) => setThresholds(thresholds.map((v, j) => (j === i ? e.currentTarget.value : v)))}
                />
              )}
            </Field>
          ))}
        </div>
        {!thresholdsOk && <p class="field-error">{t('eval.c.thresholds_bad')}</p>}
      </fieldset>
    </SheetForm>
  );
}

const weightsText = (w: Weights) => RATER_GROUPS.map((g) => w[g]).join('/');
const thresholdsText = (lines: number[]) => lines.map((n) => points(n).replace(/\.00$/, '')).join('/');

/** The campaigns of the township, newest first; the admin creates new ones here. */
export function CampaignList(props: { slug: string; href(query: Record<string, string>): string; go(query: Record<string, string>): void }) {
  const list = useLoad(() => evaluationApi.campaigns(props.slug), [props.slug]);
  const [creating, setCreating] = useState(false);
  const campaigns = list.data ?? [];
  return (
    <section>
      <div class="page-head">
        <h2>{t('eval.tab.campaigns')}</h2>
        {can('township_admin') && (
          <button type="button" onClick={() => setCreating(true)}>
            {t('eval.c.new')}
          </button>
        )}
      </div>
      <ErrorBox error={list.error} />
      <ListTable
        load={list}
        count={campaigns.length}
        none={t('eval.c.none')}
        head={
          <tr>
            <th scope="col">{t('eval.c.col_name')}</th>
            <th scope="col" class="num">{t('eval.c.col_year')}</th>
            <th scope="col">{t('eval.c.col_kind')}</th>
            <th scope="col" class="wide-only">{t('eval.c.col_weights')}</th>
            <th scope="col" class="wide-only">{t('eval.c.col_thresholds')}</th>
          </tr>
        }
      >
        {campaigns.map((c) => (
          <tr key={c.id}>
            <th scope="row" class="wrap">
              <a href={props.href({ campaign: c.id })}>{c.name}</a>
            </th>
            <td class="num">{c.year}</td>
            <td>{kindLabel(c.subjectKind)}</td>
            <td class="wide-only">{weightsText(c.weights)}</td>
            <td class="wide-only">{thresholdsText(c.starThresholds)}</td>
          </tr>
        ))}
      </ListTable>
      {creating && (
        <CampaignForm
          slug={props.slug}
          onClose={() => setCreating(false)}
          onDone={(campaign) => {
            setCreating(false);
            props.go({ campaign: campaign.id });
          }}
        />
      )}
    </section>
  );
}

/** Delete, after a confirmation; disabled once the campaign is in use, with the reason under the page's head. */
function useDeleteCampaign(slug: string, campaign: CampaignWithUsage | undefined, onDeleted: () => void) {
  const remove = useSubmit(async () => {
    if (!campaign || !confirm(t('eval.c.confirm_delete', { name: campaign.name, n: campaign.usage.bookings }))) return;
    await call(evaluationClient(slug).campaigns[':id'].$delete({ param: { id: campaign.id } }));
    onDeleted();
  });
  return { remove, refusal: campaign ? deleteRefusal(campaign) : null };
}

/** One campaign: its settings, its sessions and each subject's result, with links to the reports; the admin edits or deletes it here. */
export function CampaignDetail(props: { slug: string; id: string; href(query: Record<string, string>): string; go(query: Record<string, string>): void }) {
  const { slug, id } = props;
  const data = useLoad(async () => {
    const [campaign, results, villages, sessions] = await Promise.all([
      evaluationApi.campaign(slug, id),
      evaluationApi.results(slug, id),
      loadVillages(slug),
      evaluationApi.sessions(slug, id),
    ]);
    const [questionnaire, members] = await Promise.all([
      evaluationApi.questionnaire(slug, campaign.questionnaireId),
      campaign.subjectKind === 'member' ? loadMemberNames(slug, villages.length === 1 ? villages[0].id : undefined) : Promise.resolve(new Map()),
    ]);
    return { campaign, results, villages, sessions, questionnaire, members };
  }, [slug, id]);
  const [villageFilter, setVillageFilter] = useState('');
  const [editing, setEditing] = useState(false);
  const { remove, refusal } = useDeleteCampaign(slug, data.data?.campaign, () => props.go({ tab: 'campaigns' }));
  const villageNames = useMemo(() => new Map((data.data?.villages ?? []).map((v) => [v.id, v])), [data.data]);
  if (!data.data) return data.error ? <ErrorBox error={data.error} /> : <p class="loading">{t('app.loading')}</p>;
  const { campaign, results, sessions, questionnaire, members } = data.data;
  const shown = results.filter((r) => !villageFilter || r.villageId === villageFilter);
  const subjectName = (kind: SubjectKind, sid: string) =>
    kind === 'branch' ? (villageNames.get(sid)?.branchName ?? sid) : (members.get(sid)?.name ?? sid);
  const villagesInResults = [...new Set(results.map((r) => r.villageId))].map((v) => villageNames.get(v)).filter((v): v is Village => !!v);
  return (
    <section>
      <p>
        <a href={props.href({ tab: 'campaigns' })}>← {t('eval.back')}</a>
      </p>
      <div class="page-head">
        <h2>{campaign.name}</h2>
        <div class="ev-head-actions">
          {can('township_admin', 'village_secretary') && (
            <a class="button-link" href={props.href({ tab: 'booking', campaignId: campaign.id })}>
              {t('eval.c.book')}
            </a>
          )}
          {can('township_admin') && (
            <>
              <button type="button" class="secondary" onClick={() => setEditing(true)}>
                {t('eval.c.edit')}
              </button>
              <button
                type="button"
                class="secondary danger"
                disabled={!!refusal || remove.busy}
                aria-describedby={refusal ? 'ev-delete-refusal' : undefined}
                onClick={() => remove.run()}
              >
                {t('eval.c.delete')}
              </button>
            </>
          )}
        </div>
      </div>
      {can('township_admin') && refusal && (
        <p id="ev-delete-refusal" class="hint muted">
          {refusal}
        </p>
      )}
      <ErrorBox error={remove.error} />
      <dl class="ev-facts">
        <div>
          <dt>{t('eval.c.year')}</dt>
          <dd>{campaign.year}</dd>
        </div>
        <div>
          <dt>{t('eval.c.kind')}</dt>
          <dd>{kindLabel(campaign.subjectKind)}</dd>
        </div>
        <div>
          <dt>{t('eval.c.questionnaire')}</dt>
          <dd>
            {questionnaire.name} · {t('eval.q.version', { n: questionnaire.version })}
          </dd>
        </div>
        <div>
          <dt>{t('eval.c.weights')}</dt>
          <dd>{RATER_GROUPS.map((g) => `${groupLabel(g)} ${campaign.weights[g]}`).join(' · ')}</dd>
        </div>
        <div>
          <dt>{t('eval.c.thresholds')}</dt>
          <dd>{campaign.starThresholds.map((n, i) => `${t('eval.c.star_n', { n: 5 - i })} ${points(n)}`).join(' · ')}</dd>
        </div>
      </dl>

      {sessions.length > 0 && (
        <>
          <h3>{t('eval.c.sessions')}</h3>
          <ul class="plain">
            {sessions.map((s) => (
              <li key={s.id}>
                <a href={props.href({ tab: 'sessions', session: s.id })}>
                  {s.villageName} · {shanghaiTime(s.opensAt)} · {t(`eval.s.status.${s.status}`)}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>{t('eval.c.results')}</h3>
      <p class="muted">{t('eval.c.subject_count', { n: results.length, scored: results.filter((r) => r.composite !== null).length })}</p>
      {villagesInResults.length > 1 && (
        <div class="filters">
          <SelectField
            label={t('eval.c.filter_village')}
            value={villageFilter}
            onChange={setVillageFilter}
            blank={t('common.all_villages')}
            options={villagesInResults.map((v) => ({ value: v.id, label: v.name }))}
          />
        </div>
      )}
      <ListBody count={shown.length} none={t('eval.c.results_none')}>
        <Table
          head={
            <tr>
              <th scope="col">{t('eval.c.col_subject')}</th>
              {campaign.subjectKind === 'member' && <th scope="col">{t('eval.c.col_village')}</th>}
              <th scope="col" class="num">{t('eval.c.col_composite')}</th>
              <th scope="col">{t('eval.c.col_stars')}</th>
              <th scope="col" class="wide-only">{t('eval.c.col_groups')}</th>
              <th scope="col">
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          }
        >
          {shown.map((r) => (
            <tr key={r.subjectId}>
              <th scope="row">{subjectName(r.subjectKind, r.subjectId)}</th>
              {campaign.subjectKind === 'member' && <td>{villageNames.get(r.villageId)?.name ?? ''}</td>}
              <td class="num">
                {points(r.composite)}
                {r.composite !== null && !r.complete && <div class="sub muted">{t('eval.c.incomplete')}</div>}
              </td>
              <td>
                <Stars n={r.stars} />
              </td>
              <td class="wide-only">{RATER_GROUPS.map((g) => r.groups[g].count).join(' / ')}</td>
              <td class="actions">
                <a
                  class="button-link"
                  href={props.href({ view: 'report', campaign: campaign.id, kind: r.subjectKind, subject: r.subjectId })}
                  aria-label={`${t('eval.c.report')} ${subjectName(r.subjectKind, r.subjectId)}`}
                >
                  {t('eval.c.report')}
                </a>
              </td>
            </tr>
          ))}
        </Table>
      </ListBody>
      {editing && (
        <CampaignForm
          slug={slug}
          campaign={campaign}
          onClose={() => setEditing(false)}
          onDone={() => {
            setEditing(false);
            data.reload();
          }}
        />
      )}
    </section>
  );
}
