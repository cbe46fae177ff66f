/**
 * 工作台: each role's home, what needs doing now, from its home endpoint. Township admin: today's sessions,
 * overdue rectifications, unanswered objections, villages without income this year, branches behind on
 * organisation life (支部组织生活预警), job runs. Secretary: their village's sessions, problems overdue,
 * households not signed this month. Party member: own 民主评议 grades (this year's and last), own reports,
 * households to visit this month.
 */
import type { ComponentChildren } from 'preact';
import { call, tenant } from '../../shared/api';
import { shanghaiYear } from '../../../src/domain/calendar';
import type { MeetingKind } from '../../../src/domain/vocabulary';
import { dayText, shanghaiTime } from '../../shared/i18n';
import { township } from '../session';
import { t } from '../t';
import { ErrorBox, useLoad } from '../ui';
import { MyGrade } from './rating-branch';

function Card(props: { title: string; count: number; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>
        {props.title} <span class="tag">{props.count}</span>
      </h2>
      {props.count === 0 ? <p class="muted">{t('home.none')}</p> : <ul class="home-list">{props.children}</ul>}
    </section>
  );
}

type SessionRow = { id: string; villageName: string; opensAt: string; closesAt: string; closedAt: string | null };
const sessionItem = (slug: string, s: SessionRow) => (
  <li key={s.id}>
    <a href={`/t/${slug}/evaluation?tab=sessions&session=${s.id}`}>
      {s.villageName} · {shanghaiTime(s.opensAt)}–{shanghaiTime(s.closesAt).slice(-5)}
    </a>
  </li>
);

function TownshipDesk(props: { slug: string }) {
  const home = useLoad(() => call(tenant(props.slug).home.township.$get()), [props.slug]);
  if (!home.data) return <ErrorBox error={home.error} />;
  const d = home.data;
  return (
    <>
      <Card title={t('home.today_sessions')} count={d.sessions.length}>
        {d.sessions.map((s) => sessionItem(props.slug, s))}
      </Card>
      <Card title={t('home.overdue')} count={d.overdueProblems.length}>
        {d.overdueProblems.map((p) => (
          <li key={p.id}>
            <a href={`/t/${props.slug}/problems?problem=${p.id}`}>{p.content}</a> · {dayText(p.deadline)}
          </li>
        ))}
      </Card>
      <Card title={t('home.objections')} count={d.unansweredObjections.length}>
        {d.unansweredObjections.map((o) => (
          <li key={o.id}>
            <a href={`/t/${props.slug}/problems?problem=${o.problemId}`}>{o.content}</a>
          </li>
        ))}
      </Card>
      <Card title={t('home.no_income', { year: d.year })} count={d.villagesWithoutIncome.length}>
        {d.villagesWithoutIncome.map((v) => (
          <li key={v.id}>
            <a href={`/t/${props.slug}/income`}>{v.name}</a>
          </li>
        ))}
      </Card>
      <Card title={t('orglife.warnings')} count={d.orgLifeWarnings.length}>
        {d.orgLifeWarnings.map((w) => {
          const list = (items: { kind: MeetingKind; period: string }[]) => items.map((s) => t('orglife.period', { kind: t(`orglife.kind.${s.kind}`), period: s.period })).join('、');
          return (
            <li key={w.villageId}>
              <a href={`/t/${props.slug}/orglife`}>{w.name}</a>
              {w.missed.length > 0 && <> · {t('orglife.missed', { list: list(w.missed) })}</>}
              {w.due.length > 0 && <> · {t('orglife.due', { list: list(w.due) })}</>}
            </li>
          );
        })}
      </Card>
      <Card title={t('home.job_runs')} count={d.jobRuns.length}>
        {d.jobRuns.map((r) => (
          <li key={r.id}>
            <a href={`/t/${props.slug}/results?tab=jobs`}>
              {r.job} {r.year ?? ''} · {shanghaiTime(r.startedAt)} · {r.failed ? t('home.job_failed', { n: r.failed }) : t('home.job_ok', { done: r.done, total: r.total })}
            </a>
          </li>
        ))}
      </Card>
    </>
  );
}

function SecretaryDesk(props: { slug: string }) {
  const home = useLoad(() => call(tenant(props.slug).home.secretary.$get()), [props.slug]);
  if (!home.data) return <ErrorBox error={home.error} />;
  const d = home.data;
  return (
    <>
      <Card title={t('home.village_sessions')} count={d.sessions.length}>
        {d.sessions.map((s) => sessionItem(props.slug, s))}
      </Card>
      <Card title={t('home.problems_due')} count={d.problemsDue.length}>
        {d.problemsDue.map((p) => (
          <li key={p.id}>
            <a href={`/t/${props.slug}/problems?problem=${p.id}`}>{p.content}</a> · {dayText(p.deadline)}
          </li>
        ))}
      </Card>
      <Card title={t('home.not_signed')} count={d.visitsNotSigned.length}>
        {d.visitsNotSigned.map((h) => (
          <li key={h.householdId}>
            <a href={`/t/${props.slug}/contact`}>{h.householdName}</a>
          </li>
        ))}
      </Card>
    </>
  );
}

function MemberDesk(props: { slug: string }) {
  const home = useLoad(() => call(tenant(props.slug).home.member.$get()), [props.slug]);
  if (!home.data) return <ErrorBox error={home.error} />;
  const d = home.data;
  return (
    <>
      <MyGrade slug={props.slug} year={shanghaiYear()} />
      <MyGrade slug={props.slug} year={shanghaiYear() - 1} />
      <Card title={t('home.own_reports')} count={d.reports.length}>
        {d.reports.map((r) => (
          <li key={r.campaignId}>
            <a href={`/t/${props.slug}/evaluation?view=report&campaign=${r.campaignId}&kind=member&subject=${d.memberId}`}>{r.name}</a>
          </li>
        ))}
      </Card>
      <Card title={t('home.visits_due')} count={d.visitsDue.length}>
        {d.visitsDue.map((h) => (
          <li key={h.householdId}>
            <a href={`/t/${props.slug}/visit`}>{h.householdName}</a>
          </li>
        ))}
      </Card>
    </>
  );
}

export function HomePage(props: { slug: string }) {
  const role = township.value?.role;
  return (
    <section>
      <h1>{t('home.title')}</h1>
      {role === 'township_admin' && <TownshipDesk slug={props.slug} />}
      {role === 'village_secretary' && <SecretaryDesk slug={props.slug} />}
      {role === 'party_member' && <MemberDesk slug={props.slug} />}
    </section>
  );
}
