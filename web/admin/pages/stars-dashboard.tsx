import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { currentLocale, yuan } from '../../shared/i18n';
import { t } from '../t';
import { ErrorBox, ListBody, ScrollBox, Table, useLoad } from '../ui';
import { BarChart } from './stars-chart';
import {
  categoryLabel,
  ConsequenceList,
  INCOME_CATEGORIES,
  RedLineList,
  StageBadge,
  StarMark,
  shanghaiYear,
  YearSelect,
} from './stars-common';
import { wanYuan } from './stars-money';
import './stars.css';

type Dashboard = AnswerOf<ReturnType<typeof tenant>['stars']['dashboard']['$get']>;
type StarDistribution = Dashboard['branchStars'];

function Stat(props: { label: string; value: string | number; note?: string; tone?: 'warn' | 'good' }) {
  return (
    <div class={`stat${props.tone ? ` ${props.tone}` : ''}`}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
      {props.note && <div class="stat-label">{props.note}</div>}
    </div>
  );
}

function StarsCard(props: { title: string; dist: StarDistribution; year: number }) {
  const labels = props.dist.levels.map((l) => t('stars.stars_short', { n: l.stars }));
  return (
    <section class="card">
      <h2>{props.title}</h2>
      <BarChart
        title={props.title}
        labels={labels}
        series={[
          { name: t('stars.year_label', { year: props.year }), values: props.dist.levels.map((l) => l.thisYear) },
          { name: t('stars.year_label', { year: props.year - 1 }), values: props.dist.levels.map((l) => l.lastYear) },
        ]}
      />
      <p class="muted">{t('stars.dash.unrated', { this: props.dist.unratedThisYear, last: props.dist.unratedLastYear })}</p>
    </section>
  );
}

/** The township dashboard: stars this year against last, red lines, consequences, income tiers against the target, movers. */
export function StarsDashboardPage(props: { slug: string }) {
  const [year, setYear] = useState(shanghaiYear());
  const data = useLoad(() => call(tenant(props.slug).stars.dashboard.$get({ query: { year: String(year) } })), [props.slug, year]);
  const d = data.data;
  const locale = currentLocale();

  return (
    <section>
      <div class="page-head">
        <h1>{t('stars.dash.title')}</h1>
        {d && <StageBadge stage={d.stage} computedAt={d.computedAt} />}
      </div>
      <div class="toolbar">
        <YearSelect slug={props.slug} value={year} onChange={setYear} />
      </div>
      <ErrorBox error={data.error} />
      {!d && !data.error && <p class="loading">{t('app.loading')}</p>}
      {d && <DashboardBody d={d} locale={locale} />}
    </section>
  );
}

function DashboardBody({ d, locale }: { d: Dashboard; locale: 'zh-CN' | 'en' }) {
  const rated = d.branchStars.levels.reduce((s, l) => s + l.thisYear, 0);
  const [low, high] = d.income.tiersFen;
  const p = d.income.progress;
  const lowLabel = t('stars.dash.income_low', { amount: wanYuan(low, locale) });
  const highLabel = t('stars.dash.income_high', { amount: wanYuan(high, locale) });
  const targetNote = (target: number | null, met: boolean | null) =>
    target === null ? t('stars.dash.no_target') : `${t('stars.dash.of_target', { n: target })} · ${met ? t('stars.dash.met') : t('stars.dash.not_met')}`;
  const withTarget = p.targetLow !== null;
  const amountOf = (kind: { amountFen: number }) => (kind.amountFen ? t('stars.dash.amount_total', { amount: yuan(kind.amountFen) }) : '');

  return (
    <>
      <div class="stats">
        <Stat label={t('stars.dash.rated_branches')} value={rated} />
        <Stat label={t('stars.dash.red_line_branches')} value={d.redLines.branches.length} tone={d.redLines.branches.length ? 'warn' : undefined} />
        <Stat label={lowLabel} value={p.atLeastLow} note={targetNote(p.targetLow, p.lowMet)} tone={p.lowMet === false ? 'warn' : p.lowMet ? 'good' : undefined} />
        <Stat label={highLabel} value={p.atLeastHigh} note={targetNote(p.targetHigh, p.highMet)} tone={p.highMet === false ? 'warn' : p.highMet ? 'good' : undefined} />
      </div>

      <div class="dash-grid">
        <StarsCard title={t('stars.dash.branch_stars')} dist={d.branchStars} year={d.year} />
        <StarsCard title={t('stars.dash.member_stars')} dist={d.memberStars} year={d.year} />
      </div>

      <section class="card">
        <h2>{t('stars.dash.income')}</h2>
        <p>{t('stars.dash.income_total', { amount: yuan(d.income.totalFen) })}</p>
        <BarChart
          title={t('stars.dash.income')}
          horizontal
          labels={[lowLabel, highLabel]}
          series={[
            { name: t('stars.dash.actual'), values: [p.atLeastLow, p.atLeastHigh] },
            ...(withTarget ? [{ name: t('stars.dash.target'), values: [p.targetLow ?? 0, p.targetHigh ?? 0] }] : []),
          ]}
        />
        {d.income.target?.note && <p class="muted">{d.income.target.note}</p>}
        <h3>{t('stars.dash.by_category')}</h3>
        <ScrollBox class="table-wrap">
          <table class="list">
            <tbody>
              {INCOME_CATEGORIES.map((c) => (
                <tr key={c}>
                  <th scope="row" class="wrap">{categoryLabel(c)}</th>
                  <td class="num amount">{yuan(d.income.categoryTotals[c] ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      </section>

      <div class="dash-grid">
        <section class="card">
          <h2>{t('stars.dash.red_lines')}</h2>
          <ListBody count={d.redLines.byRule.length} none={t('stars.dash.red_lines_none')}>
            <ul class="moves">
              {d.redLines.byRule.map((r) => (
                <li key={r.ruleId}>
                  {r.title} · <strong>{t('stars.villages_n', { n: r.villages })}</strong>
                </li>
              ))}
            </ul>
            <Table
              head={
                <tr>
                  <th scope="col">{t('common.village')}</th>
                  <th scope="col">{t('stars.results.raw')}</th>
                  <th scope="col">{t('stars.results.final')}</th>
                  <th scope="col">{t('stars.results.red_lines')}</th>
                </tr>
              }
            >
              {d.redLines.branches.map((b) => (
                <tr key={b.villageId}>
                  <th scope="row">{b.villageName}</th>
                  <td><StarMark n={b.rawStars} /></td>
                  <td><StarMark n={b.finalStars} /></td>
                  <td class="wrap"><RedLineList items={b.redLines} /></td>
                </tr>
              ))}
            </Table>
          </ListBody>
        </section>

        <section class="card">
          <h2>{t('stars.dash.consequences')}</h2>
          <ListBody count={d.consequences.branches.length} none={t('stars.dash.consequences_none')}>
            <ul class="moves">
              {d.consequences.byKind
                .filter((k) => k.villages > 0)
                .map((k) => (
                  <li key={k.kind}>
                    {k.label} · <strong>{t('stars.villages_n', { n: k.villages })}</strong> <span class="muted">{amountOf(k)}</span>
                  </li>
                ))}
            </ul>
            <Table
              head={
                <tr>
                  <th scope="col">{t('common.village')}</th>
                  <th scope="col">{t('stars.results.final')}</th>
                  <th scope="col">{t('stars.results.consequences')}</th>
                </tr>
              }
            >
              {d.consequences.branches.map((b) => (
                <tr key={b.villageId}>
                  <th scope="row">{b.villageName}</th>
                  <td><StarMark n={b.finalStars} /></td>
                  <td class="wrap"><ConsequenceList items={b.consequences} /></td>
                </tr>
              ))}
            </Table>
          </ListBody>
        </section>
      </div>

      <section class="card">
        <h2>{t('stars.dash.movement')}</h2>
        {d.movement.up.length + d.movement.down.length === 0 ? (
          <p class="muted">{t('stars.dash.no_movement')}</p>
        ) : (
          <div class="dash-grid">
            {(['up', 'down'] as const).map((dir) => (
              <div key={dir}>
                <h3 class={dir}>
                  {dir === 'up' ? '▲' : '▼'} {t(dir === 'up' ? 'stars.dash.up' : 'stars.dash.down')} ({d.movement[dir].length})
                </h3>
                <ul class="moves">
                  {d.movement[dir].map((m) => (
                    <li key={m.villageId}>
                      {m.villageName}: {t('stars.stars_short', { n: m.from })} → <span class={dir}>{t('stars.stars_short', { n: m.to })}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        )}
      </section>
    </>
  );
}
