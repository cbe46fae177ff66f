/** 测评场次: bookings waiting to start, the sessions with their big-screen link, live counts, closing, and paper ballot entry. */
import { useEffect, useState } from 'preact/hooks';
import { call } from '../../shared/api';
import { shanghaiTime } from '../../shared/i18n';
import { can } from '../session';
import { t } from '../t';
import { ErrorBox, Form, FormActions, ListBody, nameChoices, Pager, SelectField, Sheet, useLoad, useSubmit } from '../ui';
import { loadVillages } from './villages';
import {
  addDays,
  bigScreenUrl,
  evaluationApi,
  evaluationClient,
  groupLabel,
  loadMemberNames,
  mondayOf,
  newClientId,
  openSessionOf,
  RATER_GROUPS,
  shanghaiDate,
  shanghaiInstant,
  shanghaiClock,
  type Booking,
  type QuestionnaireItem,
  type Session,
  type SessionFilter,
  type SubjectKind,
} from './evaluation-common';

type Nav = { href(query: Record<string, string>): string; go(query: Record<string, string>): void };
const RUNNERS = ['township_admin', 'village_secretary'] as const;
const SESSIONS_PER_PAGE = 20;

/** Ballots and voters per rater group, refreshed every 10 s while the session runs. */
function LiveCounts(props: { slug: string; session: Session }) {
  const live = useLoad(() => call(evaluationClient(props.slug).sessions[':id'].live.$get({ param: { id: props.session.id } })), [props.slug, props.session.id]);
  useEffect(() => {
    if (live.data?.status !== 'open') return;
    const timer = setInterval(live.reload, 10_000);
    return () => clearInterval(timer);
  }, [live.data?.status]);
  if (!live.data) return live.error ? <ErrorBox error={live.error} /> : null;
  return (
    <div class="ev-live" aria-label={t('eval.s.live')}>
      <strong>{t('eval.s.live')}</strong>
      <ul>
        {RATER_GROUPS.map((g) => (
          <li key={g}>
            {groupLabel(g)} <strong>{t('eval.s.ballots', { n: live.data!.groups[g].ballots })}</strong>
          </li>
        ))}
        <li>
          {t('eval.s.voters', { n: live.data.voters })}
        </li>
      </ul>
    </div>
  );
}

interface SheetSubject {
  kind: SubjectKind;
  id: string;
  name: string;
}

/**
 * Paper ballot entry: a villager's form (群评) keyed in by an officer. Each form gets its own client id,
 * so a form sent twice (a slow network, a double tap) counts once; after saving, the form clears for the next.
 */
function PaperBallots(props: { slug: string; session: Session; onClose(): void }) {
  const { slug, session } = props;
  const data = useLoad(async () => {
    const campaign = await evaluationApi.campaign(slug, session.campaignId);
    const [questionnaire, results, members] = await Promise.all([
      evaluationApi.questionnaire(slug, campaign.questionnaireId),
      evaluationApi.results(slug, campaign.id),
      campaign.subjectKind === 'member' ? loadMemberNames(slug, session.villageId) : Promise.resolve(new Map()),
    ]);
    const items = questionnaire.items.filter((i) => !i.groups || i.groups.includes('villager'));
    const subjects: SheetSubject[] = results
      .filter((r) => r.villageId === session.villageId)
      .map((r) => ({ kind: r.subjectKind, id: r.subjectId, name: r.subjectKind === 'branch' ? session.branchName : (members.get(r.subjectId)?.name ?? r.subjectId) }))
      .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, 'zh-CN') : a.kind === 'branch' ? -1 : 1));
    return { items, subjects };
  }, [slug, session.id]);
  const [answers, setAnswers] = useState<Record<string, Record<string, number>>>({});
  const [texts, setTexts] = useState<Record<string, { comment: string; problem: string }>>({});
  const [clientId, setClientId] = useState(newClientId);
  const [saved, setSaved] = useState(0);
  const [missing, setMissing] = useState('');

  const submit = useSubmit(async () => {
    const { items, subjects } = data.data!;
    for (const s of subjects)
      for (const item of items)
        if (answers[s.id]?.[item.key] === undefined) {
          setMissing(t('eval.p.missing', { subject: s.name, item: item.text }));
          return;
        }
    setMissing('');
    await call(
      evaluationClient(slug).sessions[':id']['paper-ballots'].$post({
        param: { id: session.id },
        json: {
          clientId,
          ballots: subjects.map((s) => ({
            subjectKind: s.kind,
            subjectId: s.id,
            answers: answers[s.id],
            ...(texts[s.id]?.comment.trim() ? { comment: texts[s.id].comment.trim() } : {}),
            ...(texts[s.id]?.problem.trim() ? { problem: texts[s.id].problem.trim() } : {}),
          })),
        },
      }),
    );
    setSaved((n) => n + 1);
    setAnswers({});
    setTexts({});
    setClientId(newClientId());
    document.querySelector('.sheet')?.scrollTo({ top: 0 });
  });

  const choose = (subject: string, item: string, choice: number) => setAnswers((a) => ({ ...a, [subject]: { ...a[subject], [item]: choice } }));
  const allFirst = (subject: string, items: QuestionnaireItem[]) =>
    setAnswers((a) => ({ ...a, [subject]: Object.fromEntries(items.map((i) => [i.key, 0])) }));
  const setText = (subject: string, field: 'comment' | 'problem', value: string) =>
    setTexts((all) => ({ ...all, [subject]: { ...(all[subject] ?? { comment: '', problem: '' }), [field]: value } }));

  return (
    <Sheet title={t('eval.p.title', { village: session.villageName })} onClose={props.onClose}>
      <p class="hint muted">{t('eval.p.hint')}</p>
      {saved > 0 && (
        <p class="ok" role="status">
          {t('eval.p.saved', { n: saved })}
        </p>
      )}
      {!data.data ? (
        data.error ? (
          <ErrorBox error={data.error} />
        ) : (
          <p class="loading">{t('app.loading')}</p>
        )
      ) : data.data.subjects.length === 0 ? (
        <p class="muted">{t('eval.p.no_subjects')}</p>
      ) : (
        <Form onSubmit={submit.run}>
          {data.data.subjects.map((s) => (
            <fieldset key={s.id} class="card ev-paper-subject">
              <legend>{s.name}</legend>
              <button type="button" class="secondary small" onClick={() => allFirst(s.id, data.data!.items)}>
                {t('eval.p.all_best', { label: data.data!.items[0]?.options[0]?.label ?? '' })}
              </button>
              {data.data!.items.map((item, n) => (
                <fieldset key={item.key} class="ev-paper-item">
                  <legend>
                    {n + 1}. {item.text}
                  </legend>
                  <div class="ev-options">
                    {item.options.map((o, i) => (
                      <label key={i} class="ev-option">
                        <input type="radio" name={`${s.id}:${item.key}`} checked={answers[s.id]?.[item.key] === i} onChange={() => choose(s.id, item.key, i)} />
                        <span>{o.label}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              ))}
              <label>
                {t('eval.p.comment')}
                <textarea rows={2} maxLength={300} value={texts[s.id]?.comment ?? ''} onInput={(e) => setText(s.id, 'comment', e.currentTarget.value)} />
              </label>
              <label>
                {t('eval.p.problem')}
                <textarea rows={2} maxLength={300} value={texts[s.id]?.problem ?? ''} onInput={(e) => setText(s.id, 'problem', e.currentTarget.value)} />
              </label>
            </fieldset>
          ))}
          {missing && (
            <p class="error" role="alert">
              {missing}
            </p>
          )}
          <ErrorBox error={submit.error} />
          <FormActions class="sticky" busy={submit.busy} label={t('eval.p.submit')}>
            <button type="button" class="secondary" onClick={props.onClose}>
              {t('common.close')}
            </button>
          </FormActions>
        </Form>
      )}
    </Sheet>
  );
}

function SessionCard(props: { slug: string; session: Session; selected: boolean; onChanged(): void; onPaper(): void } & Nav) {
  const s = props.session;
  const close = useSubmit(async () => {
    // ballots still in a phone's outbox after the close are refused: say how many passes have not voted yet
    const live = await call(evaluationClient(props.slug).sessions[':id'].live.$get({ param: { id: s.id } }));
    const unused = live.passesUnused ? t('eval.s.confirm_close_unused', { n: live.passesUnused }) : '';
    if (!confirm(t('eval.s.confirm_close', { village: s.villageName }) + unused)) return;
    await call(evaluationClient(props.slug).sessions[':id'].close.$post({ param: { id: s.id } }));
    props.onChanged();
  });
  return (
    <li class={`card ev-session${props.selected ? ' selected' : ''}`} id={`session-${s.id}`}>
      <div class="page-head">
        <h3>
          {s.villageName} <span class={`tag ev-status-${s.status}`}>{t(`eval.s.status.${s.status}`)}</span>
        </h3>
        <span>
          {t('eval.s.code')} <strong class="ev-code">{s.code}</strong>
        </span>
      </div>
      <p class="muted">
        {s.campaignName} · {shanghaiTime(s.opensAt)}–{shanghaiClock(s.closesAt)}
        {s.closedAt && ` · ${t('eval.s.status.closed')} ${shanghaiTime(s.closedAt)}`}
      </p>
      {props.selected && <LiveCounts slug={props.slug} session={s} />}
      <ErrorBox error={close.error} />
      <div class="form-actions">
        <a class="button-link" href={bigScreenUrl(props.slug, s.id)} target="_blank" rel="noopener" title={t('eval.s.screen_hint')}>
          {t('eval.s.screen_link')} ↗
        </a>
        {!props.selected && (
          <a class="button-link" href={props.href({ tab: 'sessions', session: s.id })}>
            {t('eval.s.live')}
          </a>
        )}
        <a
          class="button-link"
          href={props.href(s.subjectKind === 'branch' ? { view: 'report', campaign: s.campaignId, kind: 'branch', subject: s.villageId } : { campaign: s.campaignId })}
        >
          {t('eval.s.results')}
        </a>
        {can('township_admin') && !s.closedAt && (
          <button type="button" class="secondary small" onClick={props.onPaper}>
            {t('eval.s.paper')}
          </button>
        )}
        {can(...RUNNERS) && !s.closedAt && (
          <button type="button" class="secondary small danger" disabled={close.busy} onClick={() => close.run()}>
            {t('eval.s.close')}
          </button>
        )}
      </div>
    </li>
  );
}

/** Bookings of this week not started yet, and every session, newest first. */
export function SessionList(props: { slug: string; query: Record<string, string | undefined> } & Nav) {
  const { slug } = props;
  const week = mondayOf(shanghaiDate());
  const [filter, setFilter] = useState<SessionFilter>({});
  const [offset, setOffset] = useState(0);
  const villages = useLoad(() => loadVillages(slug), [slug]);
  const data = useLoad(async () => {
    const [page, bookings] = await Promise.all([
      evaluationApi.sessionPage(slug, { ...filter, offset, limit: SESSIONS_PER_PAGE }),
      evaluationApi.bookings(slug, new Date().toISOString(), shanghaiInstant(addDays(week, 7), '00:00')),
    ]);
    return { sessions: page.items, total: page.total, waiting: bookings.filter((b) => !b.sessionId) };
  }, [slug, offset, JSON.stringify(filter)]);
  const refine = (next: SessionFilter) => {
    setFilter(Object.fromEntries(Object.entries({ ...filter, ...next }).filter(([, v]) => v)) as SessionFilter);
    setOffset(0);
  };
  const [paper, setPaper] = useState<Session | undefined>();
  const selected = props.query.session;
  useEffect(() => {
    if (selected && data.data) document.getElementById(`session-${selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [selected, !!data.data]);
  const open = useSubmit(async (b: Booking) => {
    const session = await openSessionOf(slug, b);
    if (!session) return;
    props.go({ tab: 'sessions', session: session.id });
    data.reload();
  });
  if (!data.data) return data.error ? <ErrorBox error={data.error} /> : <p class="loading">{t('app.loading')}</p>;
  const { sessions, total, waiting } = data.data;
  return (
    <section>
      {can(...RUNNERS) && (
        <>
          <h2>{t('eval.s.waiting')}</h2>
          <ErrorBox error={open.error} />
          <ListBody count={waiting.length} none={t('eval.s.waiting_none')}>
            <ul class="ev-booking-list">
              {waiting.map((b) => (
                <li key={b.id}>
                  <span>
                    {shanghaiTime(b.startsAt)}–{shanghaiClock(b.endsAt)} · {b.villageName} · {b.screenName}
                  </span>{' '}
                  <button type="button" class="small" disabled={open.busy} onClick={() => open.run(b)}>
                    {t('eval.b.open_session')}
                  </button>
                </li>
              ))}
            </ul>
          </ListBody>
        </>
      )}
      <h2>{t('eval.s.list')}</h2>
      <div class="filters">
        <label>
          {t('eval.s.filter_from')}
          <input type="date" value={filter.from ?? ''} onChange={(e) => refine({ from: e.currentTarget.value })} />
        </label>
        <label>
          {t('eval.s.filter_to')}
          <input type="date" value={filter.to ?? ''} onChange={(e) => refine({ to: e.currentTarget.value })} />
        </label>
        {(villages.data?.length ?? 0) > 1 && (
          <SelectField label={t('eval.s.filter_village')} blank={t('eval.s.filter_all')} value={filter.villageId ?? ''} options={nameChoices(villages.data ?? [])} onChange={(v) => refine({ villageId: v })} />
        )}
        <SelectField
          label={t('eval.s.filter_status')}
          blank={t('eval.s.filter_all')}
          value={filter.status ?? ''}
          options={(['open', 'closed'] as const).map((v) => ({ value: v, label: t(`eval.s.status.${v}`) }))}
          onChange={(v) => refine({ status: (v || undefined) as SessionFilter['status'] })}
        />
      </div>
      <ListBody count={sessions.length} none={t('eval.s.none')}>
        <ul class="ev-sessions">
          {sessions.map((s) => (
            <SessionCard
              key={s.id}
              slug={slug}
              session={s}
              selected={s.id === selected}
              href={props.href}
              go={props.go}
              onChanged={data.reload}
              onPaper={() => setPaper(s)}
            />
          ))}
        </ul>
      </ListBody>
      {total > SESSIONS_PER_PAGE && <Pager offset={offset} limit={SESSIONS_PER_PAGE} total={total} onChange={setOffset} />}
      {paper && (
        <PaperBallots
          slug={slug}
          session={paper}
          onClose={() => {
            setPaper(undefined);
            data.reload();
          }}
        />
      )}
    </section>
  );
}
