/** Pieces shared by the star, red-line and income pages: years, stages, star marks, category labels. */
import { useEffect, useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { currentLocale, shanghaiTime } from '../../shared/i18n';
import { t, type MessageKey } from '../t';
import { SelectField } from '../ui';
import { shanghaiYear } from '../../../src/domain/calendar';
import { wanYuan } from '../../../src/domain/money';
import type { IncomeTier, JobKind, JobTrigger, ResultStage } from '../../../src/domain/vocabulary';

export { INCOME_CATEGORIES, type IncomeCategory, type IncomeTier } from '../../../src/domain/vocabulary';
export { shanghaiYear };

/** A year's results: provisional, final, or none yet. */
export type Stage = ResultStage | 'none';

export const categoryLabel = (category: string) => t(`income.category.${category}` as MessageKey);

/** The years one can pick: this year back to `back` years ago, newest first. */
export function recentYears(back = 6): number[] {
  const now = shanghaiYear();
  return Array.from({ length: back + 1 }, (_, i) => now - i);
}

/** The years holding a township's data (and this year), as the server lists them; one request per township and page load. */
const dataYearsOf = new Map<string, Promise<number[]>>();
function useDataYears(slug: string | undefined): number[] | undefined {
  const [years, setYears] = useState<number[] | undefined>();
  useEffect(() => {
    if (!slug) return;
    if (!dataYearsOf.has(slug)) dataYearsOf.set(slug, call(tenant(slug).stars['data-years'].$get()).then((r) => r.years));
    dataYearsOf.get(slug)!.then(setYears, () => dataYearsOf.delete(slug));
  }, [slug]);
  return years;
}

/**
 * The year of a star page: with a township's `slug`, the years holding its data; else `years`, or this
 * year and the six before it. The year shown stays offered even without data.
 */
export function YearSelect(props: { value: number; onChange(year: number): void; years?: number[]; slug?: string }) {
  const data = useDataYears(props.slug);
  const years = data ? [...new Set([...data, props.value])].sort((a, b) => b - a) : props.years;
  return <SelectField label={t('stars.year')} value={String(props.value)} onChange={(y) => props.onChange(Number(y))} options={yearChoices(years)} />;
}

/** Years as choices, labelled "2026年". */
export const yearChoices = (years = recentYears()) => years.map((y) => ({ value: String(y), label: t('stars.year_label', { year: y }) }));

/** What a job run was: recompute or finalise (of which year), started by the schedule or by hand. */
export function JobLabel(props: { job: JobKind; year: number | null; trigger: JobTrigger }) {
  return (
    <>
      {t(`jobs.job.${props.job}`)}
      {props.year ? ` · ${t('stars.year_label', { year: props.year })}` : ''}
      <div class="sub muted">{t(`jobs.trigger.${props.trigger}`)}</div>
    </>
  );
}

/** Stars as ★ marks with their number for screen readers; "not rated" when null. */
export function StarMark(props: { n: number | null | undefined }) {
  if (props.n === null || props.n === undefined) return <span class="muted">{t('stars.unrated')}</span>;
  return (
    <span class="stars" role="img" aria-label={t('stars.n_stars', { n: props.n })} title={t('stars.n_stars', { n: props.n })}>
      {'★'.repeat(props.n)}
      <span class="star-gap">{'☆'.repeat(5 - props.n)}</span>
    </span>
  );
}

/** Whether a year's results are provisional or final, marked so no one mistakes one for the other. */
/** The stage as a badge; a provisional result says when it was computed ("暂定 · 计算于 …"). */
export function StageBadge(props: { stage: Stage; computedAt?: string | null }) {
  const label = t(`stars.stage.${props.stage}`);
  return (
    <span class={`stage stage-${props.stage}`}>
      {props.stage === 'provisional' && props.computedAt ? t('stars.stage.provisional_at', { at: shanghaiTime(props.computedAt) }) : label}
    </span>
  );
}

export function StageNote(props: { stage: Stage; finalisedAt?: string | null; computedAt?: string | null }) {
  const text =
    props.stage === 'final'
      ? t('stars.stage_final_hint', { at: props.finalisedAt ? shanghaiTime(props.finalisedAt) : '' })
      : props.stage === 'provisional'
        ? t('stars.stage_provisional_hint', { at: props.computedAt ? shanghaiTime(props.computedAt) : '' })
        : t('stars.stage_none_hint');
  return (
    <p class={`stage-note stage-note-${props.stage}`} role="status">
      <StageBadge stage={props.stage} /> {text}
    </p>
  );
}

/** "≥ 5万元" labels of the income tiers from the township's thresholds (fen). */
export function tierLabel(tier: IncomeTier, tiersFen: number[]): string {
  const [low, high] = tiersFen;
  const locale = currentLocale();
  if (tier === 'high') return t('income.tier.high', { amount: wanYuan(high, locale) });
  if (tier === 'low') return t('income.tier.low', { amount: wanYuan(low, locale) });
  return t('income.tier.below', { amount: wanYuan(low, locale) });
}

export function TierBadge(props: { tier: IncomeTier; tiersFen: number[] }) {
  return <span class={`tier tier-${props.tier}`}>{tierLabel(props.tier, props.tiersFen)}</span>;
}

type StarResult = AnswerOf<ReturnType<typeof tenant>['stars']['results']['$get']>['items'][number];
/** A red line or consequence as it comes from the API, already in the caller's language. */
export type RedLineView = StarResult['redLines'][number];
export type ConsequenceView = StarResult['consequences'][number];

export function RedLineList(props: { items: RedLineView[] }) {
  if (!props.items.length) return <span class="muted">{t('stars.none')}</span>;
  return (
    <ul class="reasons">
      {props.items.map((h) => (
        <li key={h.ruleId}>
          <strong>{h.title}</strong>
          {h.reason && <span class="reason">{h.reason}</span>}
        </li>
      ))}
    </ul>
  );
}

export function ConsequenceList(props: { items: ConsequenceView[] }) {
  if (!props.items.length) return <span class="muted">{t('stars.none')}</span>;
  return (
    <ul class="reasons">
      {props.items.map((c) => (
        <li key={c.kind}>
          <span class={`tag consequence-${c.kind}`}>{c.label}</span>
        </li>
      ))}
    </ul>
  );
}
