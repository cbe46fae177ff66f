import { useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { call, county, type AnswerOf } from '../../shared/api';
import { COMPARISON_SORTS as SORTS, type ComparisonSort as Sort } from '../../../src/domain/vocabulary';
import { currentLocale, yuan } from '../../shared/i18n';
import { RequireLogin } from '../frame';
import { me, township } from '../session';
import { Shell } from '../shell';
import { t, type MessageKey } from '../t';
import { ErrorBox, ListBody, Pager, SelectField, Table, useLoad } from '../ui';
import { StageBadge, StarMark, shanghaiYear, TierBadge, YearSelect } from './stars-common';
import { compositeText, wanYuan } from './stars-money';
import './stars.css';
import './county.css';

const countyClient = (countyId: string) => ({ param: { countyId: encodeURIComponent(countyId) }, routes: county[':countyId'] });
type Summary = AnswerOf<(typeof county)[':countyId']['summary']['$get']>;
type Counts = Summary['total'];

const PAGE_SIZE = 50;
const LEVELS = ['5', '4', '3', '2', '1'] as const;
const DEFAULT_TIERS = [5_000_000, 10_000_000];

/** A column header that sorts the table by one of the API's orders; the sorted one says so to screen readers. */
function SortHeader(props: { sort: Sort; current: Sort; label: MessageKey; onSort(sort: Sort): void; class?: string }) {
  const active = props.sort === props.current;
  return (
    <th scope="col" class={props.class} aria-sort={active ? (props.sort === 'name' ? 'ascending' : 'descending') : undefined}>
      <button type="button" class="sort" aria-pressed={active} title={t('county.sort_by', { column: t(props.label) })} onClick={() => props.onSort(props.sort)}>
        {t(props.label)}
        <span aria-hidden="true" class="sort-mark">
          {active ? (props.sort === 'name' ? ' ▲' : ' ▼') : ' ⇅'}
        </span>
      </button>
    </th>
  );
}

/** Townships with their counts and the county's total; a county viewer may open each township's results page. */
function SummaryTable(props: { data: Summary; tiers: number[]; linkTownships: boolean }) {
  const { townships, total } = props.data;
  const [low, high] = props.tiers;
  const cells = (c: Counts) => (
    <>
      <td class="num">{c.villages}</td>
      {LEVELS.map((n) => (
        <td key={n} class="num">
          {c.stars[n]}
        </td>
      ))}
      <td class="num">{c.unrated}</td>
      <td class="num">{c.incomeAtLeastLow}</td>
      <td class="num">{c.incomeAtLeastHigh}</td>
    </>
  );
  return (
    <Table
      class="county-summary"
      head={
        <tr>
          <th scope="col">{t('county.township')}</th>
          <th scope="col" class="num">{t('county.villages')}</th>
          {LEVELS.map((n) => (
            <th key={n} scope="col" class="num">
              {t('stars.stars_short', { n })}
            </th>
          ))}
          <th scope="col" class="num">{t('county.unrated')}</th>
          <th scope="col" class="num">{t('income.tier.low', { amount: wanYuan(low, currentLocale()) })}</th>
          <th scope="col" class="num">{t('income.tier.high', { amount: wanYuan(high, currentLocale()) })}</th>
          <th scope="col">{t('county.stage')}</th>
        </tr>
      }
    >
      {townships.map((tw) => (
        <tr key={tw.townshipId}>
          <th scope="row">{props.linkTownships ? <a href={`/t/${tw.slug}/results`}>{tw.township}</a> : tw.township}</th>
          {cells(tw)}
          <td>
            <StageBadge stage={tw.stage ?? 'none'} computedAt={tw.computedAt} />
          </td>
        </tr>
      ))}
      <tr class="total">
        <th scope="row">{t('county.summary_total')}</th>
        {cells(total)}
        <td />
      </tr>
    </Table>
  );
}

/**
 * The county department's page (全县比较): every village of the county's townships ranked, sortable by each
 * order the API offers, filtered by township and year, paged; a summary per township computed by the API;
 * the same list as CSV or Excel. Read-only; designed for a desktop, the tables scroll sideways on a phone.
 */
export function CountyPage(props: { countyId: string }) {
  // the view lives in the address (?year=&sort=&township=&page=), so a ranking can be bookmarked or sent on
  const { query, path, route } = useLocation();
  const asked = Number(query.year);
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : shanghaiYear();
  const sort: Sort = SORTS.find((s) => s === query.sort) ?? 'stars';
  const townshipId = query.township ?? '';
  const offset = Math.max(0, Math.floor(Number(query.page) || 1) - 1) * PAGE_SIZE;
  const show = (view: { year?: number; sort?: Sort; township?: string; offset?: number }) => {
    const next = { year, sort, township: townshipId, offset: 0, ...view };
    const params = new URLSearchParams({ year: String(next.year), sort: next.sort });
    if (next.township) params.set('township', next.township);
    if (next.offset) params.set('page', String(next.offset / PAGE_SIZE + 1));
    route(`${path}?${params}`, true);
  };
  // this page is outside any township: the shell shows no township's name or menu here
  useEffect(() => void (township.value = undefined), []);

  const base = `/api/county/${encodeURIComponent(props.countyId)}`;
  const filter = new URLSearchParams({ year: String(year), sort });
  if (townshipId) filter.set('township', townshipId);
  const { param, routes } = countyClient(props.countyId);
  const summary = useLoad(() => (me.value ? call(routes.summary.$get({ param, query: { year: String(year) } })) : Promise.resolve(undefined)), [base, year, me.value]);
  const comparison = useLoad(
    () =>
      me.value
        ? call(routes.comparison.$get({ param, query: { ...Object.fromEntries(filter), page: String(offset / PAGE_SIZE + 1), pageSize: String(PAGE_SIZE) } }))
        : Promise.resolve(undefined),
    [base, year, sort, townshipId, offset, me.value],
  );
  // 支部组织生活预警: the branches of each township that missed a required meeting this year
  const orgLife = useLoad(() => (me.value ? call(routes['org-life'].$get({ param, query: { year: String(year) } })) : Promise.resolve(undefined)), [base, year, me.value]);
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;

  const county = comparison.data?.county ?? summary.data?.county;
  const townships = summary.data?.townships ?? [];
  const tiersOf = new Map(townships.map((tw) => [tw.townshipId, tw.incomeTiersFen]));
  const tierKeys = new Set(townships.map((tw) => tw.incomeTiersFen.join('/')));
  const items = comparison.data?.items ?? [];
  const viewer = me.value.roles.some((r) => r.role === 'county_viewer' && r.countyId === props.countyId);
  const header = (sortKey: Sort, label: MessageKey, cls?: string) => <SortHeader sort={sortKey} current={sort} label={label} onSort={(next) => show({ sort: next })} class={cls} />;

  return (
    <Shell>
      <section class="county-page">
        <h1>{county ? t('county.title_named', { county: county.name }) : t('county.title')}</h1>
        <div class="toolbar">
          <YearSelect value={year} onChange={(next) => show({ year: next })} />
          <SelectField
            label={t('county.township')}
            value={townshipId}
            onChange={(next) => show({ township: next })}
            blank={t('county.all_townships')}
            options={townships.map((tw) => ({ value: tw.townshipId, label: tw.township }))}
          />
          <div class="form-actions exports">
            <a class="button-link" href={`${base}/comparison.csv?${filter}`} download>
              {t('county.export_csv')}
            </a>
            <a class="button-link" href={`${base}/comparison.xlsx?${filter}`} download>
              {t('county.export_xlsx')}
            </a>
          </div>
        </div>
        <p class="muted hint">{t('county.export_hint')}</p>
        <ErrorBox error={summary.error ?? comparison.error} />

        <h2>{t('county.summary')}</h2>
        <ListBody load={summary} count={townships.length} none={t('county.none')}>
          {summary.data && <SummaryTable data={summary.data} tiers={townships[0]?.incomeTiersFen ?? DEFAULT_TIERS} linkTownships={viewer} />}
          {tierKeys.size > 1 && <p class="muted">{t('county.tiers_differ')}</p>}
        </ListBody>

        <h2>{t('county.ranking')}</h2>
        <ListBody load={comparison} count={items.length} none={t('county.none')}>
          <Table
            class="county-ranking"
            head={
              <tr>
                {header('stars', 'county.rank', 'num')}
                <th scope="col">{t('county.township')}</th>
                {header('name', 'county.village')}
                {header('stars', 'county.stars')}
                {header('composite', 'county.composite', 'num')}
                {header('red_lines', 'county.red_lines', 'num')}
                {header('income', 'county.income', 'num')}
                <th scope="col">{t('county.income_tier')}</th>
                <th scope="col">{t('county.stage')}</th>
              </tr>
            }
          >
            {items.map((r) => (
              <tr key={r.villageId}>
                <td class="num rank">{r.stars === null ? '—' : r.rank}</td>
                <td>{r.township}</td>
                <th scope="row">{r.village}</th>
                <td>
                  <StarMark n={r.stars} />
                </td>
                <td class="num amount">{compositeText(r.composite)}</td>
                <td class={r.redLines ? 'num down' : 'num'}>{r.redLines}</td>
                <td class="num amount">{r.incomeFen === null ? <span class="muted">{t('county.income_missing')}</span> : yuan(r.incomeFen)}</td>
                <td>{r.incomeTier ? <TierBadge tier={r.incomeTier} tiersFen={tiersOf.get(r.townshipId) ?? DEFAULT_TIERS} /> : '—'}</td>
                <td>
                  <StageBadge stage={r.stage ?? 'none'} />
                </td>
              </tr>
            ))}
          </Table>
          <Pager offset={offset} limit={PAGE_SIZE} total={comparison.data?.total ?? 0} onChange={(next) => show({ offset: next })} />
        </ListBody>

        <h2>{t('orglife.warnings')}</h2>
        <ErrorBox error={orgLife.error} />
        <ListBody load={orgLife} count={orgLife.data?.townships.reduce((n, tw) => n + tw.villages.length, 0) ?? 0} none={t('county.none')}>
          <ul class="orglife-warnings">
            {orgLife.data?.townships.flatMap((tw) =>
              tw.villages.map((v) => (
                <li key={v.villageId}>
                  {tw.township} · <strong>{v.name}</strong> ·{' '}
                  {t('orglife.missed', { list: v.missed.map((s) => t('orglife.period', { kind: t(`orglife.kind.${s.kind}`), period: s.period })).join('、') })}
                </li>
              )),
            )}
          </ul>
        </ListBody>
      </section>
    </Shell>
  );
}
