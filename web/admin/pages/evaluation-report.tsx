/** 评定报告: one subject's report in one campaign, printable on A4 (the print stylesheet hides the app around it); and a party member's own reports. */
import { useMemo } from 'preact/hooks';
import { call } from '../../shared/api';
import { shanghaiTime } from '../../shared/i18n';
import { me, township } from '../session';
import { t } from '../t';
import { ErrorBox, ListBody, Table, useLoad } from '../ui';
import { evaluationApi, evaluationClient, groupLabel, kindLabel, points, problemText, Stars, type SubjectKind } from './evaluation-common';
import { ReportGrades } from './rating-branch';

export function ReportView(props: { slug: string; campaignId: string; kind: SubjectKind; subjectId: string; back?: string }) {
  const { slug, campaignId, kind, subjectId } = props;
  const report = useLoad(
    () => call(evaluationClient(slug).campaigns[':id'].report.$get({ param: { id: campaignId }, query: { subjectKind: kind, subjectId } })),
    [slug, campaignId, kind, subjectId],
  );
  const generated = useMemo(() => shanghaiTime(new Date().toISOString()), [report.data]);
  if (!report.data) return report.error ? <ErrorBox error={report.error} /> : <p class="loading">{t('app.loading')}</p>;
  const r = report.data;
  const w = r.campaign.weights;
  const [s5, s4, s3, s2] = r.campaign.starThresholds.map(points);
  return (
    <article class="ev-report">
      <div class="no-print form-actions">
        {props.back && <a href={props.back}>← {t('eval.back')}</a>}
        <button type="button" class="push-right" onClick={() => print()}>
          {t('eval.r.print')}
        </button>
      </div>
      <header class="ev-report-head">
        <div class="muted">{township.value?.name}</div>
        <h1>
          {r.subject.name} · {t('eval.r.title')}
        </h1>
        <div>
          {r.campaign.name} · {r.campaign.year} · {kindLabel(r.subject.kind)}
          {r.subject.kind === 'member' && ` · ${r.subject.villageName}`}
        </div>
      </header>

      <div class="ev-summary">
        <div>
          <div class="ev-summary-label">{t('eval.r.composite')}</div>
          <div class="ev-summary-value">{points(r.composite)}</div>
        </div>
        <div>
          <div class="ev-summary-label">{t('eval.r.stars')}</div>
          <div class="ev-summary-value">
            <Stars n={r.stars} />
          </div>
        </div>
        <div>
          <div class="ev-summary-label">{t('eval.r.ballots')}</div>
          <div class="ev-summary-value">{r.ballots}</div>
        </div>
        {r.subject.kind === 'member' && (
          <div>
            <div class="ev-summary-label">{t('eval.r.unknown')}</div>
            <div class="ev-summary-value">{r.unknownCount}</div>
          </div>
        )}
      </div>
      {!r.complete && <p class="notice">{t('eval.r.incomplete')}</p>}
      <p class="muted small-print">
        {t('eval.r.weights', { ...w })}
        <br />
        {t('eval.r.thresholds', { s5, s4, s3, s2 })}
      </p>

      <h2>{t('eval.r.groups')}</h2>
      <Table
        head={
          <tr>
            <th scope="col">{t('eval.r.col_group')}</th>
            <th scope="col" class="num">{t('eval.r.col_weight')}</th>
            <th scope="col" class="num">{t('eval.r.col_count')}</th>
            <th scope="col" class="num">{t('eval.r.col_score')}</th>
            <th scope="col" class="num">{t('eval.r.col_contribution')}</th>
          </tr>
        }
      >
        {r.groups.map((g) => (
          <tr key={g.group}>
            <th scope="row">{groupLabel(g.group)}</th>
            <td class="num">{g.weight}%</td>
            <td class="num">{g.count}</td>
            <td class="num">{g.sampleTooSmall ? t('eval.r.sample_too_small') : points(g.score)}</td>
            <td class="num">{g.sampleTooSmall ? t('eval.r.sample_too_small') : points(g.contribution)}</td>
          </tr>
        ))}
      </Table>

      {r.groups
        .filter((g) => g.count > 0)
        .map((g) =>
          g.breakdownVisible && g.items ? (
            <section key={g.group} class="ev-report-group">
              <h3>{t('eval.r.items', { group: groupLabel(g.group) })}</h3>
              <Table
                head={
                  <tr>
                    <th scope="col">{t('eval.r.col_item')}</th>
                    <th scope="col" class="num">{t('eval.r.col_average')}</th>
                    <th scope="col" class="num">{t('eval.r.col_max')}</th>
                  </tr>
                }
              >
                {g.items.map((item) => (
                  <tr key={item.key}>
                    <td class="wrap">{item.text}</td>
                    <td class="num">{points(item.average)}</td>
                    <td class="num">{item.maxPoints ?? '—'}</td>
                  </tr>
                ))}
              </Table>
              <h3>{t('eval.r.comments', { group: groupLabel(g.group) })}</h3>
              {g.comments?.length ? (
                <ul class="ev-comments">
                  {g.comments.map((c, i) => (
                    <li key={i}>{c}</li>
                  ))}
                </ul>
              ) : (
                <p class="muted">{t('eval.r.no_comments')}</p>
              )}
            </section>
          ) : (
            <p key={g.group} class="notice">
              {g.group === 'self' ? t('eval.r.self_summary') : t('eval.r.hidden', { group: groupLabel(g.group), n: g.count, k: r.anonymityMinBallots })}
            </p>
          ),
        )}

      {r.tallies.length > 0 && (
        <>
          <h2>{t('eval.r.tallies')}</h2>
          <p class="muted">{t('eval.r.tallies_hint')}</p>
          <Table
            head={
              <tr>
                <th scope="col">{t('eval.r.col_session')}</th>
                <th scope="col" class="num">{t('eval.r.col_count')}</th>
                <th scope="col">{t('eval.r.col_root')}</th>
              </tr>
            }
          >
            {r.tallies.map((tally) => (
              <tr key={tally.code}>
                <td>{tally.code}</td>
                <td class="num">{tally.count}</td>
                <td class="wrap">
                  <code>{tally.root}</code>
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}

      <h2>{t('eval.r.problems')}</h2>
      <ListBody count={r.problems.length} none={t('eval.r.no_problems')}>
        <Table
          head={
            <tr>
              <th scope="col">{t('problems.col_content')}</th>
              <th scope="col">{t('problems.col_measure')}</th>
              <th scope="col">{t('problems.col_deadline')}</th>
              <th scope="col">{t('problems.col_status')}</th>
            </tr>
          }
        >
          {r.problems.map((p) => (
            <tr key={p.id}>
              <td class="wrap">{problemText(p)}</td>
              <td class="wrap">{p.measure || '—'}</td>
              <td>{p.deadline ?? '—'}</td>
              <td>{t(`problems.status.${p.status}`)}</td>
            </tr>
          ))}
        </Table>
      </ListBody>
      <ReportGrades slug={slug} year={r.campaign.year} kind={r.subject.kind} subjectId={subjectId} villageId={r.subject.villageId} />
      <p class="muted small-print">{t('eval.r.generated', { time: generated })}</p>
    </article>
  );
}

/** A party member's own reports: one per member campaign (the API answers only for the member themself). */
export function MyReports(props: { slug: string; href(query: Record<string, string>): string }) {
  const memberId = me.value?.roles.find((r) => r.role === 'party_member' && r.tenant?.slug === props.slug)?.memberId ?? '';
  const list = useLoad(() => evaluationApi.campaigns(props.slug), [props.slug]);
  const campaigns = (list.data ?? []).filter((c) => c.subjectKind === 'member');
  return (
    <section>
      <h1>{t('eval.m.title')}</h1>
      <ErrorBox error={list.error} />
      <ListBody load={list} count={campaigns.length} none={t('eval.m.none')}>
        <ul class="choices">
          {campaigns.map((c) => (
            <li key={c.id}>
              <a class="choice" href={props.href({ view: 'report', campaign: c.id, kind: 'member', subject: memberId })}>
                {c.name} · {t('eval.m.open')}
              </a>
            </li>
          ))}
        </ul>
      </ListBody>
    </section>
  );
}
