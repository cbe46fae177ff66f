/** 四议三审两公开: village matters, their stage timeline in the fixed order, and recording the next stage. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call, tenant, type AnswerOf, type BodyOf } from '../../shared/api';
import { MATTER_CATEGORIES as CATEGORIES, RESOLUTION_BODIES as BODIES, type MatterCategory as Category, type MatterStatus as Status, type ResolutionBody } from '../../../src/domain/vocabulary';
import { yuan } from '../../shared/i18n';
import { can, ownVillageId } from '../session';
import { t, type MessageKey } from '../t';
import { ErrorBox, Field, Form, FormActions, intOrNull, ListTable, Pager, SelectField, SheetForm, useLoad, useSubmit } from '../ui';
import { shanghaiDate, shanghaiYear, VillageSelect, parseYuan } from './ledgers-common';
import { STAGES, timeline, type Stage } from './ledgers-rules';
import { loadVillages, type Village } from './villages';
import './ledgers.css';

const MEETINGS: Stage[] = ['proposal', 'discussion', 'member_review', 'resolution'];
const PUBLIC: Stage[] = ['resolution_public', 'result_public'];
const REVIEWS: Stage[] = ['review_before', 'review_during', 'review_after'];

const decisionsClient = (slug: string) => tenant(slug).decisions.matters;
type Matters = ReturnType<typeof decisionsClient>;
type Matter = AnswerOf<Matters['$get']>['items'][number];
type MatterDetail = AnswerOf<Matters[':id']['$get']>;
type StageBody = BodyOf<Matters[':id']['stages']['$post']>;
const VOTES = ['eligible', 'present', 'votesFor', 'votesAgainst', 'abstentions'] as const;

const stageLabel = (s: Stage) => t(`decisions.stage.${s}` as MessageKey);
const groupLabel = (s: Stage) => t(MEETINGS.includes(s) ? 'decisions.group.four' : PUBLIC.includes(s) ? 'decisions.group.public' : REVIEWS.includes(s) ? 'decisions.group.reviews' : 'decisions.stage.implementation');
const PAGE_SIZE = 20;

function StatusTag(props: { matter: Pick<Matter, 'irregularImplementedOn' | 'status'> }) {
  const { matter } = props;
  if (matter.irregularImplementedOn) return <span class="tag">{t('decisions.irregular_tag')}</span>;
  const cls = matter.status === 'completed' ? 'tag good' : matter.status === 'rejected' ? 'tag' : 'tag neutral';
  return <span class={cls}>{t(`decisions.status.${matter.status}`)}</span>;
}

function MatterForm(props: { slug: string; villages: Village[]; onClose(): void; onDone(id: string): void }) {
  const [villageId, setVillageId] = useState(ownVillageId.value ?? (props.villages.length === 1 ? props.villages[0].id : ''));
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState<Category | ''>('');
  const [amount, setAmount] = useState('');
  const [year, setYear] = useState(String(shanghaiYear()));
  const fen = parseYuan(amount);
  const submit = useSubmit(async () => {
    if (Number.isNaN(fen)) throw new Error(t('decisions.amount_bad'));
    if (!category) return; // the form is not ready without one
    const created = await call(decisionsClient(props.slug).$post({ json: { villageId, title: title.trim(), category, amountFen: fen, year: Number(year) } }));
    props.onDone(created.id);
  });
  return (
    <SheetForm
      title={t('decisions.new')}
      onClose={props.onClose}
      submit={submit}
      ready={!!villageId && !!category && !Number.isNaN(fen)}
      errorLabels={{ title: t('decisions.matter_title'), category: t('decisions.category'), amountFen: t('decisions.amount'), villageId: t('common.village') }}
    >
      <VillageSelect villages={props.villages} value={villageId} onChange={setVillageId} />
      <Field label={t('decisions.matter_title')}>
        {(id) => <input id={id} required maxLength={120} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <SelectField
        label={t('decisions.category')}
        required
        value={category}
        onChange={setCategory}
        placeholder="—"
        options={CATEGORIES.map((c) => ({ value: c, label: t(`decisions.cat.${c}` as MessageKey) }))}
      />
      <div class="form-grid">
        <Field label={t('decisions.amount')} hint={Number.isNaN(fen) ? undefined : fen !== null ? yuan(fen) : t('decisions.amount_hint')}>
          {(id) => <input id={id} inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} aria-invalid={Number.isNaN(fen)} />}
        </Field>
        <Field label={t('decisions.year')}>
          {(id) => <input id={id} type="number" required min={2000} max={2100} value={year} onInput={(e) => setYear(e.currentTarget.value)} />}
        </Field>
      </div>
      {Number.isNaN(fen) && <p class="field-error">{t('decisions.amount_bad')}</p>}
    </SheetForm>
  );
}

/** The ten stages in their fixed order: done (with date, votes, minutes), due now, or not yet. */
function Timeline(props: { matter: MatterDetail }) {
  return (
    <ol class="timeline" aria-label={t('decisions.timeline')}>
      {timeline(props.matter.stages, props.matter.nextStages).map((row) => {
        const { stage } = row;
        if (row.state !== 'done')
          return (
            <li key={stage} class={row.state === 'due' ? 'current' : ''}>
              <div class="stage-name">{stageLabel(stage)}</div>
              <div class="stage-meta">
                {groupLabel(stage)} · {row.state === 'due' ? <span class="warn-line">{t('decisions.current')}</span> : t('decisions.pending')}
              </div>
            </li>
          );
        const r = row.record;
        return (
          <li key={r.id} class={r.passed ? 'done' : 'failed'}>
            <div class="stage-name">
              {stageLabel(stage)} {r.eligible !== null && <span class={r.passed ? 'tag good' : 'tag'}>{r.passed ? t('decisions.passed') : t('decisions.not_passed')}</span>}
            </div>
            <div class="stage-meta">
              {groupLabel(stage)} · {t('decisions.done_on', { date: r.heldOn })}
              {r.body && ` · ${t(`decisions.body.${r.body}`)}`}
            </div>
            {r.eligible !== null && (
              <div class="stage-meta">
                {t('decisions.votes', {
                  eligible: r.eligible,
                  present: r.present ?? 0,
                  for: r.votesFor ?? 0,
                  against: r.votesAgainst ?? 0,
                  abstain: r.abstentions ?? 0,
                })}
              </div>
            )}
            {r.publicText && <p class="stage-text">{r.publicText}</p>}
            {r.minutes && <p class="stage-text muted">{r.minutes}</p>}
          </li>
        );
      })}
    </ol>
  );
}

/** Records a stage. Any stage may be chosen: the API's state machine refuses skips and repeats with a clear message. */
function StageForm(props: { slug: string; matter: MatterDetail; onStart(): void; onDone(stage: Stage): void }) {
  const { matter } = props;
  const [stage, setStage] = useState<Stage>(matter.nextStages[0] ?? 'proposal');
  const [heldOn, setHeldOn] = useState(shanghaiDate());
  const [body, setBody] = useState<ResolutionBody>('representatives');
  const [votes, setVotes] = useState({ eligible: '', present: '', votesFor: '', votesAgainst: '', abstentions: '' });
  const [minutes, setMinutes] = useState('');
  const [publicText, setPublicText] = useState('');
  const meeting = MEETINGS.includes(stage);
  const isPublic = PUBLIC.includes(stage);
  const submit = useSubmit(async () => {
    props.onStart();
    const payload: StageBody = { stage, heldOn, minutes: minutes.trim() };
    if (meeting) {
      for (const key of VOTES) {
        const n = intOrNull(votes[key]);
        if (n !== null) payload[key] = n;
      }
      if (stage === 'resolution') payload.body = body;
    }
    if (isPublic && publicText.trim()) payload.publicText = publicText.trim();
    await call(decisionsClient(props.slug)[':id'].stages.$post({ param: { id: matter.id }, json: payload }));
    setMinutes('');
    setPublicText('');
    setVotes({ eligible: '', present: '', votesFor: '', votesAgainst: '', abstentions: '' });
    props.onDone(stage);
  });
  const voteField = (key: keyof typeof votes, label: MessageKey) => (
    <Field label={t(label)}>
      {(id) => (
        <input id={id} type="number" inputMode="numeric" min={0} value={votes[key]} onInput={(e) => setVotes({ ...votes, [key]: e.currentTarget.value })} />
      )}
    </Field>
  );
  return (
    <Form class="card" onSubmit={submit.run}>
      <h2>{t('decisions.record')}</h2>
      <SelectField
        label={t('decisions.stage')}
        value={stage}
        onChange={setStage}
        options={STAGES.map((s) => ({ value: s, label: `${stageLabel(s)}${matter.nextStages.includes(s) ? `(${t('decisions.current')})` : ''}` }))}
      />
      <Field label={t('decisions.held_on')}>
        {(id) => <input id={id} type="date" required value={heldOn} max={shanghaiDate()} onInput={(e) => setHeldOn(e.currentTarget.value)} />}
      </Field>
      {stage === 'resolution' && (
        <SelectField
          label={t('decisions.body')}
          value={body}
          onChange={setBody}
          options={BODIES.map((b) => ({ value: b, label: t(`decisions.body.${b}`) }))}
        />
      )}
      {meeting && (
        <div class="form-grid four">
          {voteField('eligible', 'decisions.eligible')}
          {voteField('present', 'decisions.present')}
          {voteField('votesFor', 'decisions.votes_for')}
          {voteField('votesAgainst', 'decisions.votes_against')}
          {voteField('abstentions', 'decisions.abstentions')}
        </div>
      )}
      {isPublic && (
        <Field label={t('decisions.public_text')}>
          {(id) => <textarea id={id} rows={3} maxLength={5000} value={publicText} onInput={(e) => setPublicText(e.currentTarget.value)} />}
        </Field>
      )}
      <Field label={t('decisions.minutes')}>
        {(id) => <textarea id={id} rows={3} maxLength={5000} value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />}
      </Field>
      <ErrorBox
        error={submit.error}
        labels={{ heldOn: t('decisions.held_on'), eligible: t('decisions.eligible'), present: t('decisions.present'), votesFor: t('decisions.votes_for'), minutes: t('decisions.minutes') }}
      />
      <FormActions busy={submit.busy} label={t('decisions.record_submit')} />
    </Form>
  );
}

/** The township records a matter found implemented outside the procedure (feeds the stars red line). */
function IrregularForm(props: { slug: string; matter: MatterDetail; onDone(): void }) {
  const [on, setOn] = useState(shanghaiDate());
  const [note, setNote] = useState('');
  const submit = useSubmit(async () => {
    await call(decisionsClient(props.slug)[':id'].irregular.$post({ param: { id: props.matter.id }, json: { implementedOn: on, note: note.trim() } }));
    props.onDone();
  });
  return (
    <details class="card">
      <summary>{t('decisions.irregular')}</summary>
      <Form onSubmit={submit.run}>
        <Field label={t('decisions.irregular_on')}>
          {(id) => <input id={id} type="date" required value={on} max={shanghaiDate()} onInput={(e) => setOn(e.currentTarget.value)} />}
        </Field>
        <Field label={t('decisions.irregular_note')}>
          {(id) => <textarea id={id} required rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
        <ErrorBox error={submit.error} />
        <button type="submit" class="secondary danger" disabled={submit.busy || !note.trim()}>
          {t('decisions.irregular')}
        </button>
      </Form>
    </details>
  );
}

function MatterView(props: { slug: string; id: string; onBack(): void; onChanged(): void }) {
  const detail = useLoad(() => call(decisionsClient(props.slug)[':id'].$get({ param: { id: props.id } })), [props.slug, props.id]);
  const [recorded, setRecorded] = useState('');
  const writable = can('township_admin', 'village_secretary');
  const m = detail.data;
  return (
    <section>
      <button type="button" class="linklike" onClick={props.onBack}>
        ← {t('decisions.back')}
      </button>
      <ErrorBox error={detail.error} />
      {!m ? (
        !detail.error && <p class="loading">{t('app.loading')}</p>
      ) : (
        <>
          <h1>{m.title}</h1>
          <p>
            <StatusTag matter={m} /> <span class="tag neutral">{t(`decisions.cat.${m.category}` as MessageKey)}</span> · {m.year}
            {m.amountFen !== null && ` · ${yuan(m.amountFen)}`}
          </p>
          {m.irregularImplementedOn && (
            <p class="error">
              {t('decisions.irregular_done', { date: m.irregularImplementedOn, note: m.irregularNote ?? '' })}{' '}
              {m.missingBeforeImplementation.length > 0 && t('decisions.missing', { stages: m.missingBeforeImplementation.map(stageLabel).join('、') })}
            </p>
          )}
          <p class="hint muted">{t('decisions.order_hint')}</p>
          <div class="matter-layout">
            <div>
              <h2>{t('decisions.timeline')}</h2>
              <Timeline matter={m} />
            </div>
            <div>
              {recorded && (
                <p class="ok saved" role="status">
                  ✓ {recorded}
                </p>
              )}
              {writable &&
                (m.status === 'open' && !m.irregularImplementedOn ? (
                  <StageForm
                    key={m.stages.length}
                    slug={props.slug}
                    matter={m}
                    onStart={() => setRecorded('')}
                    onDone={(stage) => {
                      setRecorded(t('decisions.recorded', { stage: stageLabel(stage) }));
                      detail.reload();
                      props.onChanged();
                    }}
                  />
                ) : (
                  <p class="muted">{t('decisions.closed')}</p>
                ))}
              {can('township_admin') && m.status === 'open' && !m.irregularImplementedOn && m.missingBeforeImplementation.length > 0 && (
                <IrregularForm slug={props.slug} matter={m} onDone={detail.reload} />
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

export function DecisionsPage(props: { slug: string }) {
  const { query, path, route } = useLocation();
  const matterId = query.matter;
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const [villageId, setVillageId] = useState(query.villageId ?? '');
  const [year, setYear] = useState(String(shanghaiYear()));
  const [status, setStatus] = useState<Status | ''>('');
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => {
    const query = {
      limit: String(PAGE_SIZE),
      offset: String(offset),
      ...(villageId && !ownVillageId.value ? { villageId } : {}),
      ...(/^\d{4}$/.test(year) ? { year } : {}),
      ...(status ? { status } : {}),
    };
    return call(decisionsClient(props.slug).$get({ query }));
  }, [props.slug, villageId, year, status, offset]);
  const writable = can('township_admin', 'village_secretary');
  const open = (id: string) => route(`${path}?matter=${id}`);

  if (matterId) return <MatterView slug={props.slug} id={matterId} onBack={() => route(path)} onChanged={list.reload} />;

  const items = list.data?.items ?? [];
  const villageList = villages.data ?? [];
  return (
    <section>
      <div class="page-head">
        <h1>{t('decisions.title')}</h1>
        {writable && villageList.length > 0 && (
          <button type="button" onClick={() => setCreating(true)}>
            {t('decisions.new')}
          </button>
        )}
      </div>
      <div class="form-grid four">
        <VillageSelect villages={villageList} value={villageId} onChange={(v) => (setVillageId(v), setOffset(0))} allowAll />
        <Field label={t('decisions.year')}>
          {(id) => <input id={id} type="number" min={2000} max={2100} value={year} onInput={(e) => (setYear(e.currentTarget.value), setOffset(0))} />}
        </Field>
        <SelectField
          label={t('decisions.status')}
          value={status}
          onChange={(s) => (setStatus(s), setOffset(0))}
          blank={t('ledgers.all')}
          options={(['open', 'completed', 'rejected'] as const).map((s) => ({ value: s, label: t(`decisions.status.${s}`) }))}
        />
      </div>
      <ErrorBox error={list.error ?? villages.error} />
      {list.data && <p class="muted">{t('common.total', { total: list.data.total })}</p>}
      <ListTable
        load={list}
        count={items.length}
        head={
          <tr>
            <th scope="col">{t('decisions.matter')}</th>
            <th scope="col">{t('decisions.status')}</th>
            <th scope="col">{t('decisions.next')}</th>
            <th scope="col" class="wide-only">{t('decisions.category')}</th>
            <th scope="col" class="num wide-only">{t('decisions.amount')}</th>
          </tr>
        }
      >
        {items.map((m) => (
          <tr key={m.id}>
            <th scope="row" class="wrap">
              <button type="button" class="linklike" onClick={() => open(m.id)}>
                {m.title}
              </button>
              <div class="sub muted">{m.villageName}</div>
            </th>
            <td>
              <StatusTag matter={m} />
            </td>
            <td class="wrap">{m.nextStages.length ? m.nextStages.map(stageLabel).join(' / ') : t('decisions.none_next')}</td>
            <td class="wide-only">{t(`decisions.cat.${m.category}` as MessageKey)}</td>
            <td class="num wide-only">{m.amountFen !== null ? yuan(m.amountFen) : ''}</td>
          </tr>
        ))}
      </ListTable>
      {list.data && list.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onChange={setOffset} />}
      {creating && (
        <MatterForm
          slug={props.slug}
          villages={villageList}
          onClose={() => setCreating(false)}
          onDone={(id) => {
            setCreating(false);
            list.reload();
            open(id);
          }}
        />
      )}
    </section>
  );
}
