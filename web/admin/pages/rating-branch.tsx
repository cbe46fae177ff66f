/**
 * One branch's 评星定级 (its village's rating page): its entry, every step as a timeline (from the audit
 * trail, one query on the server), its plaques, and the 民主评议党员 grades of its members. The grade parts
 * are shared with the evaluation reports and the member's home.
 */
import { useLocation } from 'preact-iso';
import { ApiProblem, call, tenant, type AnswerOf } from '../../shared/api';
import { shanghaiTime, starGrade } from '../../shared/i18n';
import { ownVillageId, township } from '../session';
import { t, type MessageKey } from '../t';
import { ErrorBox, ListBody, Table, useLoad } from '../ui';
import { shanghaiYear } from './stars-common';
import './rating.css';

const years = (slug: string) => tenant(slug).rating.years[':year'];
type TimelineItem = AnswerOf<ReturnType<typeof years>['entries'][':villageId']['timeline']['$get']>['items'][number];

/** A level as official wording writes it (三星级), or — for none. */
export const levelName = (n: number | null) => (n === null ? t('rating.none') : starGrade(n));

/** The year of the page: ?year= when sensible, else this Shanghai year. */
export function pageYear(query: Record<string, string>): number {
  const asked = Number(query.year);
  return Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : shanghaiYear();
}

/** What a step set, in words: the levels, the notice window, the reason. */
function stepDetail(d: TimelineItem['detail']): string {
  const parts: string[] = [];
  if (typeof d.appliedStars === 'number') parts.push(t('rating.detail.applied', { stars: levelName(d.appliedStars) }));
  if (typeof d.proposedStars === 'number') parts.push(t('rating.detail.proposed', { stars: levelName(d.proposedStars) }));
  if (d.noticeStartsOn && d.noticeEndsOn) parts.push(t('rating.detail.notice', { from: String(d.noticeStartsOn), to: String(d.noticeEndsOn) }));
  const reason = d.recheckReason ?? d.cityReason ?? d.proposalReason ?? d.reason;
  if (reason) parts.push(t('rating.detail.reason', { text: String(reason) }));
  return parts.join('；');
}

/** The branch's way through the year, oldest step first. */
export function BranchTimeline(props: { slug: string; year: number; villageId: string }) {
  const timeline = useLoad(
    () => call(years(props.slug).entries[':villageId'].timeline.$get({ param: { year: String(props.year), villageId: encodeURIComponent(props.villageId) } })),
    [props.slug, props.year, props.villageId],
  );
  const items = timeline.data?.items ?? [];
  return (
    <section class="card rating-timeline">
      <h2>{t('rating.timeline')}</h2>
      <ErrorBox error={timeline.error instanceof ApiProblem && timeline.error.status === 404 ? undefined : timeline.error} />
      <ListBody load={timeline} count={items.length} none={t('rating.timeline_none')}>
        <ol class="rating-steps" aria-label={t('rating.timeline')}>
          {items.map((item, i) => {
            const detail = stepDetail(item.detail);
            return (
              <li key={i} class={/_return$|objection_upheld$|reopen$/.test(item.action) ? 'returned' : undefined}>
                <time dateTime={item.at}>{shanghaiTime(item.at)}</time>
                <strong>{t(`rating.tl.${item.action.replace(/^rating\./, '').replace('.', '_')}` as MessageKey)}</strong>
                {' '}
                <span class="muted">
                  {item.actorName && item.actorRole ? t('rating.tl.by', { name: item.actorName, role: t(`role.${item.actorRole}` as MessageKey) }) : t('rating.tl.system')}
                </span>
                {detail && <div class="step-detail">{detail}</div>}
              </li>
            );
          })}
        </ol>
      </ListBody>
    </section>
  );
}

/** 民主评议党员 of one branch-year: each evaluated member's proposed grade and the branch meeting's decision. */
export function BranchGrades(props: { slug: string; year: number; villageId: string }) {
  const grades = useLoad(
    () => call(years(props.slug)['member-grades'].$get({ param: { year: String(props.year) }, query: { villageId: props.villageId } })),
    [props.slug, props.year, props.villageId],
  );
  const items = grades.data?.items ?? [];
  return (
    <section class="card rating-grades">
      <h2>{t('rating.grades_title')}</h2>
      <ErrorBox error={grades.error} />
      <ListBody load={grades} count={items.length} none={t('rating.grades_none')}>
        <Table
          head={
            <tr>
              <th scope="col">{t('rating.col_member')}</th>
              <th scope="col">{t('rating.col_proposed_grade')}</th>
              <th scope="col">{t('rating.col_grade')}</th>
            </tr>
          }
        >
          {items.map((g) => (
            <tr key={g.memberId}>
              <th scope="row">{g.name}</th>
              <td>{t(`rating.grade.${g.proposedGrade}`)}</td>
              <td>
                {g.grade ? t(`rating.grade.${g.grade}`) : <span class="muted">{t('rating.grade_pending')}</span>}
                {g.reason && <div class="muted">{g.reason}</div>}
              </td>
            </tr>
          ))}
        </Table>
      </ListBody>
    </section>
  );
}

/** A party member's own grade of a year (what the branch meeting decided), on their home and their report. */
export function MyGrade(props: { slug: string; year: number }) {
  const mine = useLoad(() => call(years(props.slug)['my-grade'].$get({ param: { year: String(props.year) } })), [props.slug, props.year]);
  if (!mine.data) return <ErrorBox error={mine.error} />;
  const g = mine.data.grade;
  return (
    <p class="my-grade">
      {g ? (
        <>
          <strong>{t('rating.my_grade', { year: props.year, grade: t(`rating.grade.${g.grade}`) })}</strong>
          <span class="muted"> {t('rating.my_grade_meeting', { date: g.meetingOn })}</span>
        </>
      ) : (
        <span class="muted">{t('rating.my_grade_none', { year: props.year })}</span>
      )}
    </p>
  );
}

/** One member's grade as the branch's list holds it (for the township, the secretary, the county viewer). */
function MemberGradeOf(props: { slug: string; year: number; villageId: string; memberId: string }) {
  const grades = useLoad(
    () => call(years(props.slug)['member-grades'].$get({ param: { year: String(props.year) }, query: { villageId: props.villageId } })),
    [props.slug, props.year, props.villageId],
  );
  if (!grades.data) return <ErrorBox error={grades.error} />;
  const g = grades.data.items.find((x) => x.memberId === props.memberId);
  return (
    <p class="my-grade">
      <strong>{t('rating.grades_title')}：</strong>
      {g?.grade ? t(`rating.grade.${g.grade}`) : <span class="muted">{t('rating.grade_pending')}</span>}
      {g?.meetingOn && <span class="muted"> {t('rating.my_grade_meeting', { date: g.meetingOn })}</span>}
    </p>
  );
}

/** The 民主评议 grades a report shows: a branch's report lists its members', a member's report the member's own. */
export function ReportGrades(props: { slug: string; year: number; kind: 'branch' | 'member'; subjectId: string; villageId: string }) {
  if (props.kind === 'branch') return <BranchGrades slug={props.slug} year={props.year} villageId={props.subjectId} />;
  if (township.value?.role === 'party_member') return <MyGrade slug={props.slug} year={props.year} />;
  return <MemberGradeOf slug={props.slug} year={props.year} villageId={props.villageId} memberId={props.subjectId} />;
}

/** /t/<slug>/rating/branch?villageId=&year=: one branch's rating of a year. */
export function RatingBranchPage(props: { slug: string }) {
  const { query } = useLocation();
  const year = pageYear(query);
  const villageId = ownVillageId.value ?? query.villageId ?? '';
  const view = useLoad(() => call(years(props.slug).$get({ param: { year: String(year) } })), [props.slug, year]);
  const plaques = useLoad(() => call(years(props.slug).plaques.$get({ param: { year: String(year) } })), [props.slug, year]);
  const entry = view.data?.entries.find((e) => e.villageId === villageId);
  const own = (plaques.data?.items ?? []).filter((p) => p.villageId === villageId);
  const notOpen = view.error instanceof ApiProblem && view.error.status === 404;
  return (
    <section class="rating-branch">
      <div class="page-head">
        <h1>{t('rating.branch_title', { village: entry?.villageName ?? '', year })}</h1>
        <a class="button-link" href={`/t/${props.slug}/rating`}>
          {t('rating.nav')}
        </a>
      </div>
      {notOpen ? <p class="muted">{t('rating.not_open')}</p> : <ErrorBox error={view.error} />}
      {view.data && !entry && <p class="muted">{t('rating.branch_none')}</p>}
      {entry && (
        <dl class="rating-facts">
          <dt>{t('rating.col_status')}</dt>
          <dd>{t(`rating.status.${entry.status}`)}</dd>
          <dt>{t('rating.col_applied')}</dt>
          <dd>{levelName(entry.appliedStars)}</dd>
          <dt>{t('rating.col_scored')}</dt>
          <dd>{levelName(entry.scoredStars)}</dd>
          <dt>{t('rating.col_proposed')}</dt>
          <dd>{levelName(entry.proposedStars)}</dd>
          {own.length > 0 && (
            <>
              <dt>{t('rating.branch_plaques')}</dt>
              {own.map((p) => (
                <dd key={p.kind}>{t('rating.plaque_line', { plaque: t(`rating.plaque.${p.kind}`), by: p.awardedBy ?? '', date: shanghaiTime(p.issuedAt, false) })}</dd>
              ))}
            </>
          )}
        </dl>
      )}
      {villageId && view.data && <BranchTimeline slug={props.slug} year={year} villageId={villageId} />}
      {villageId && <BranchGrades slug={props.slug} year={year} villageId={villageId} />}
    </section>
  );
}
