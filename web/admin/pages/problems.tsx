/**
 * 问题清单: problems raised on ballots, found on visits or entered by staff; rectification measure,
 * deadline and owner; status open → in progress → rectified → verified; overdue; public notice and the
 * villagers' objections with the township's answers. Secretaries see their own village (the API decides).
 */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { shanghaiTime } from '../../shared/i18n';
import { can, township } from '../session';
import { t } from '../t';
import { ErrorBox, Field, Form, ListTable, nameChoices, SelectField, Sheet, SheetForm, useLoad, useSubmit } from '../ui';
import { loadMemberNames, PROBLEM_STATUSES, problemText, shanghaiYear, type MemberName, type Problem, type ProblemStatus } from './evaluation-common';
import { loadVillages, type Village } from './villages';
import './evaluation.css';
import { SUBJECT_KINDS, type SubjectKind } from '../../../src/domain/vocabulary';

const problemsClient = (slug: string) => tenant(slug).problems;
type Objection = AnswerOf<ReturnType<typeof problemsClient>[':id']['$get']>['objections'][number];

/** The moves a role may make from a status; mirrors the API's rules (the API has the last word). */
function movesFrom(status: ProblemStatus): { to: ProblemStatus; label: string; roles: ('township_admin' | 'village_secretary')[] }[] {
  switch (status) {
    case 'open':
      return [{ to: 'in_progress', label: t('problems.move.in_progress'), roles: ['township_admin', 'village_secretary'] }];
    case 'in_progress':
      return [{ to: 'rectified', label: t('problems.move.rectified'), roles: ['township_admin', 'village_secretary'] }];
    case 'rectified':
      return [
        { to: 'verified', label: t('problems.move.verified'), roles: ['township_admin'] },
        { to: 'in_progress', label: t('problems.move.reopen'), roles: ['township_admin'] },
      ];
    default:
      return [];
  }
}


function StatusTags(props: { p: Problem }) {
  return (
    <>
      <span class={`tag pr-${props.p.status}`}>{t(`problems.status.${props.p.status}`)}</span>
      {props.p.overdue && <span class="tag pr-overdue">{t('problems.overdue')}</span>}
      {props.p.inNotice ? <span class="tag">{t('problems.in_notice')}</span> : props.p.noticeStartsAt && <span class="tag">{t('problems.noticed')}</span>}
    </>
  );
}

function subjectText(p: Problem, villages: Map<string, Village>, members: Map<string, MemberName>) {
  return p.subjectKind === 'branch'
    ? t('problems.subject_branch', { village: villages.get(p.villageId)?.name ?? '' })
    : t('problems.subject_member', { name: members.get(p.subjectId)?.name ?? '' });
}

function NewProblem(props: { slug: string; villages: Village[]; onDone(): void; onClose(): void }) {
  const [villageId, setVillageId] = useState(props.villages.length === 1 ? props.villages[0].id : '');
  const [kind, setKind] = useState<SubjectKind>('branch');
  const [memberId, setMemberId] = useState('');
  const [content, setContent] = useState('');
  const [measure, setMeasure] = useState('');
  const [deadline, setDeadline] = useState('');
  const [owner, setOwner] = useState('');
  const members = useLoad(() => (villageId && kind === 'member' ? loadMemberNames(props.slug, villageId) : Promise.resolve(new Map<string, MemberName>())), [villageId, kind]);
  const submit = useSubmit(async () => {
    await call(
      problemsClient(props.slug).$post({
        json: {
          villageId,
          subjectKind: kind,
          ...(kind === 'member' ? { subjectId: memberId } : {}),
          content: content.trim(),
          measure: measure.trim(),
          ...(deadline ? { deadline } : {}),
          owner: owner.trim(),
        },
      }),
    );
    props.onDone();
  });
  return (
    <SheetForm title={t('problems.new')} onClose={props.onClose} submit={submit} error={submit.error ?? members.error}>
      <SelectField
        label={t('common.village')}
        required
        value={villageId}
        onChange={setVillageId}
        blank={props.villages.length !== 1 ? t('eval.b.pick_village') : undefined}
        options={nameChoices(props.villages)}
      />
      <fieldset>
        <legend>{t('problems.subject_kind')}</legend>
        {SUBJECT_KINDS.map((k) => (
          <label class="check" key={k}>
            <input type="radio" name="subjectKind" checked={kind === k} onChange={() => setKind(k)} />
            <span>{t(`eval.kind.${k}`)}</span>
          </label>
        ))}
      </fieldset>
      {kind === 'member' && (
        <SelectField
          label={t('problems.member')}
          required
          value={memberId}
          onChange={setMemberId}
          blank={t('problems.pick_member')}
          options={nameChoices([...(members.data?.values() ?? [])])}
        />
      )}
      <Field label={t('problems.content')}>
        {(id) => <textarea id={id} rows={3} required maxLength={1000} value={content} onInput={(e) => setContent(e.currentTarget.value)} />}
      </Field>
      <Field label={t('problems.measure')}>
        {(id) => <textarea id={id} rows={2} maxLength={1000} value={measure} onInput={(e) => setMeasure(e.currentTarget.value)} />}
      </Field>
      <div class="form-grid">
        <Field label={t('problems.deadline')}>{(id) => <input id={id} type="date" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />}</Field>
        <Field label={t('problems.owner')}>{(id) => <input id={id} maxLength={40} value={owner} onInput={(e) => setOwner(e.currentTarget.value)} />}</Field>
      </div>
    </SheetForm>
  );
}

function ObjectionItem(props: { slug: string; problemId: string; objection: Objection; onDone(): void }) {
  const o = props.objection;
  const [answer, setAnswer] = useState('');
  const submit = useSubmit(async () => {
    await call(problemsClient(props.slug)[':id'].objections[':objectionId'].answer.$post({ param: { id: props.problemId, objectionId: o.id }, json: { answer: answer.trim() } }));
    props.onDone();
  });
  return (
    <li class="card">
      <div>
        <span class="muted">{shanghaiTime(o.createdAt)}</span> {o.content}
      </div>
      {o.answer ? (
        <div class="ev-answer">
          <strong>{t('problems.answered', { time: o.answeredAt ? shanghaiTime(o.answeredAt) : '' })}</strong> {o.answer}
        </div>
      ) : can('township_admin') ? (
        <Form onSubmit={submit.run}>
          <Field label={t('problems.answer')}>
            {(id) => (
              <textarea id={id} rows={2} required maxLength={1000} placeholder={t('problems.answer_placeholder')} value={answer} onInput={(e) => setAnswer(e.currentTarget.value)} />
            )}
          </Field>
          <ErrorBox error={submit.error} />
          <button type="submit" class="small" disabled={submit.busy}>
            {t('problems.answer')}
          </button>
        </Form>
      ) : (
        <span class="tag">{t('problems.unanswered')}</span>
      )}
    </li>
  );
}

function ProblemSheet(props: { slug: string; id: string; subject: string; villageName: string; onClose(): void; onChanged(): void }) {
  const detail = useLoad(() => call(problemsClient(props.slug)[':id'].$get({ param: { id: props.id } })), [props.slug, props.id]);
  const p = detail.data;
  const [measure, setMeasure] = useState<string | undefined>();
  const [deadline, setDeadline] = useState<string | undefined>();
  const [owner, setOwner] = useState<string | undefined>();
  const writable = can('township_admin', 'village_secretary');
  const changed = () => {
    detail.reload();
    props.onChanged();
  };
  const save = useSubmit(async () => {
    await call(
      problemsClient(props.slug)[':id'].$patch({
        param: { id: props.id },
        json: {
          ...(measure !== undefined ? { measure: measure.trim() } : {}),
          ...(deadline !== undefined ? { deadline: deadline || null } : {}),
          ...(owner !== undefined ? { owner: owner.trim() } : {}),
        },
      }),
    );
    setMeasure(undefined);
    setDeadline(undefined);
    setOwner(undefined);
    changed();
  });
  const move = useSubmit(async (to: ProblemStatus) => {
    await call(problemsClient(props.slug)[':id'].$patch({ param: { id: props.id }, json: { status: to } }));
    changed();
  });
  const publish = useSubmit(async () => {
    await call(problemsClient(props.slug)[':id'].publish.$post({ param: { id: props.id } }));
    changed();
  });
  const role = township.value?.role;
  return (
    <Sheet title={t('problems.detail')} onClose={props.onClose}>
      {!p ? (
        detail.error ? (
          <ErrorBox error={detail.error} />
        ) : (
          <p class="loading">{t('app.loading')}</p>
        )
      ) : (
        <>
          <p class="ev-problem-content">{problemText(p)}</p>
          <p>
            <StatusTags p={p} />
          </p>
          <dl class="ev-facts">
            <div>
              <dt>{t('problems.col_subject')}</dt>
              <dd>
                {props.subject}
                {props.villageName && ` · ${props.villageName}`}
              </dd>
            </div>
            <div>
              <dt>{t('problems.source')}</dt>
              <dd>{t(`problems.source.${p.source}`)}</dd>
            </div>
            <div>
              <dt>{t('problems.raised')}</dt>
              <dd>{shanghaiTime(p.createdAt)}</dd>
            </div>
            {p.noticeEndsAt && (
              <div>
                <dt>{t('problems.noticed')}</dt>
                <dd>{t('problems.notice_until', { time: shanghaiTime(p.noticeEndsAt) })}</dd>
              </div>
            )}
          </dl>
          <Form onSubmit={save.run}>
            <Field label={t('problems.measure')}>
              {(id) => (
                <textarea id={id} rows={3} maxLength={1000} readOnly={!writable} value={measure ?? p.measure} onInput={(e) => setMeasure(e.currentTarget.value)} />
              )}
            </Field>
            <div class="form-grid">
              <Field label={t('problems.deadline')}>
                {(id) => <input id={id} type="date" readOnly={!writable} value={deadline ?? p.deadline ?? ''} onInput={(e) => setDeadline(e.currentTarget.value)} />}
              </Field>
              <Field label={t('problems.owner')}>
                {(id) => <input id={id} maxLength={40} readOnly={!writable} value={owner ?? p.owner} onInput={(e) => setOwner(e.currentTarget.value)} />}
              </Field>
            </div>
            <ErrorBox error={save.error} />
            {writable && (
              <button type="submit" disabled={save.busy || (measure === undefined && deadline === undefined && owner === undefined)}>
                {save.busy ? t('common.saving') : t('common.save')}
              </button>
            )}
          </Form>
          <ErrorBox error={move.error ?? publish.error} />
          <div class="form-actions">
            {movesFrom(p.status)
              .filter((m) => role && (m.roles as string[]).includes(role))
              .map((m) => (
                <button key={m.to} type="button" class={m.to === 'in_progress' && p.status === 'rectified' ? 'secondary' : undefined} disabled={move.busy} onClick={() => move.run(m.to)}>
                  {m.label}
                </button>
              ))}
            {can('township_admin') && !p.noticeStartsAt && (
              <button type="button" class="secondary" disabled={publish.busy} onClick={() => publish.run()} title={t('problems.publish_hint')}>
                {t('problems.publish')}
              </button>
            )}
          </div>
          {p.noticeStartsAt && (
            <>
              <h3>{t('problems.objections')}</h3>
              <p class="hint muted">{t('problems.publish_hint')}</p>
              {p.objections.length === 0 ? (
                <p class="muted">{t('problems.no_objections')}</p>
              ) : (
                <ul class="plain ev-objections">
                  {p.objections.map((o) => (
                    <ObjectionItem key={o.id} slug={props.slug} problemId={p.id} objection={o} onDone={changed} />
                  ))}
                </ul>
              )}
            </>
          )}
        </>
      )}
    </Sheet>
  );
}

export function ProblemsPage(props: { slug: string }) {
  const { slug } = props;
  const { query } = useLocation();
  const [villageId, setVillageId] = useState(query.villageId ?? '');
  const [status, setStatus] = useState(query.status ?? '');
  const [year, setYear] = useState(query.year ?? String(shanghaiYear()));
  const [overdue, setOverdue] = useState(query.overdue === '1');
  const [open, setOpen] = useState<string | undefined>(query.problem);
  const [creating, setCreating] = useState(false);
  const lookups = useLoad(async () => {
    const villages = await loadVillages(slug);
    return { villages, villageMap: new Map(villages.map((v) => [v.id, v])) };
  }, [slug]);
  const list = useLoad(async () => {
    const query = { ...(villageId ? { villageId } : {}), ...(status ? { status } : {}), ...(year ? { year } : {}), ...(overdue ? { overdue: '1' as const } : {}) };
    const { items } = await call(problemsClient(slug).$get({ query }));
    const memberVillages = [...new Set(items.filter((p) => p.subjectKind === 'member').map((p) => p.villageId))];
    // members' names: one village's roster, or the whole township's when several villages are listed
    const members = memberVillages.length === 0 ? new Map<string, MemberName>() : await loadMemberNames(slug, memberVillages.length === 1 ? memberVillages[0] : undefined);
    return { items, members };
  }, [slug, villageId, status, year, overdue]);
  const villages = lookups.data?.villages ?? [];
  const villageMap = lookups.data?.villageMap ?? new Map<string, Village>();
  const items = list.data?.items ?? [];
  const members = list.data?.members ?? new Map<string, MemberName>();
  const current = items.find((p) => p.id === open);
  return (
    <section>
      <div class="page-head">
        <h1>{t('problems.title')}</h1>
        {can('township_admin', 'village_secretary') && villages.length > 0 && (
          <button type="button" onClick={() => setCreating(true)}>
            {t('problems.new')}
          </button>
        )}
      </div>
      <p class="muted">{t('problems.intro')}</p>
      <div class="inline-form">
        {villages.length > 1 && (
          <SelectField label={t('common.village')} value={villageId} onChange={setVillageId} blank={t('common.all_villages')} options={nameChoices(villages)} />
        )}
        <SelectField
          label={t('problems.filter.status')}
          value={status}
          onChange={setStatus}
          blank={t('problems.filter.all')}
          options={PROBLEM_STATUSES.map((s) => ({ value: s, label: t(`problems.status.${s}`) }))}
        />
        <Field label={t('problems.filter.year')}>
          {(id) => <input id={id} type="number" inputMode="numeric" min={2000} max={2100} value={year} onChange={(e) => setYear(e.currentTarget.value)} />}
        </Field>
        <label class="check">
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} />
          <span>{t('problems.filter.overdue')}</span>
        </label>
      </div>
      <ErrorBox error={list.error ?? lookups.error} />
      {list.data && <p class="muted">{t('problems.count', { n: items.length })}</p>}
      <ListTable
        load={list}
        count={items.length}
        none={t('problems.none')}
        head={
          <tr>
            <th scope="col">{t('problems.col_content')}</th>
            <th scope="col">{t('problems.col_status')}</th>
            <th scope="col" class="wide-only">{t('problems.col_subject')}</th>
            <th scope="col" class="wide-only">{t('problems.col_measure')}</th>
            <th scope="col" class="wide-only">{t('problems.col_deadline')}</th>
            <th scope="col" class="wide-only">{t('problems.col_owner')}</th>
          </tr>
        }
      >
        {items.map((p) => (
          <tr key={p.id} class={p.overdue ? 'pr-row-overdue' : undefined}>
            <td class="wrap">
              <button type="button" class="linklike" onClick={() => setOpen(p.id)}>
                {problemText(p).length > 60 ? `${problemText(p).slice(0, 60)}…` : problemText(p)}
              </button>
              <div class="sub muted narrow-only">
                {subjectText(p, villageMap, members)} · {t(`problems.source.${p.source}`)}
              </div>
            </td>
            <td class="wrap">
              <StatusTags p={p} />
            </td>
            <td class="wide-only">{subjectText(p, villageMap, members)}</td>
            <td class="wide-only wrap">{p.measure || '—'}</td>
            <td class="wide-only">{p.deadline ?? '—'}</td>
            <td class="wide-only">{p.owner || '—'}</td>
          </tr>
        ))}
      </ListTable>
      {open && (
        <ProblemSheet
          slug={slug}
          id={open}
          subject={current ? subjectText(current, villageMap, members) : ''}
          villageName={current?.subjectKind === 'member' ? (villageMap.get(current.villageId)?.name ?? '') : ''}
          onClose={() => setOpen(undefined)}
          onChanged={list.reload}
        />
      )}
      {creating && (
        <NewProblem
          slug={slug}
          villages={villages}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
