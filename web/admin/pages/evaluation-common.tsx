/** Shapes, API calls and small pieces shared by the evaluation and problem-list pages. */
import { call, tenant, type AnswerOf } from '../../shared/api';
import type { RaterGroup, SubjectKind } from '../../../src/domain/vocabulary';
import { chineseMinute, shanghaiClock } from '../../../src/domain/calendar';
import { t } from '../t';

export { addDays, mondayOf, shanghaiClock, shanghaiDate, shanghaiInstant, shanghaiYear } from '../../../src/domain/calendar';
export { PROBLEM_STATUSES, RATER_GROUPS, type ProblemStatus, type RaterGroup, type SubjectKind } from '../../../src/domain/vocabulary';

/** The township's evaluation routes (questionnaires, campaigns, bookings, sessions). */
export const evaluationClient = (slug: string) => tenant(slug).evaluation;
type Evaluation = ReturnType<typeof evaluationClient>;

export type Weights = Record<RaterGroup, number>;
export type Questionnaire = AnswerOf<Evaluation['questionnaires'][':id']['$get']>;
export type QuestionnaireItem = Questionnaire['items'][number];
export type Campaign = AnswerOf<Evaluation['campaigns']['$get']>['items'][number];
/** One campaign as its page reads it: the villages of its subjects and what it already holds (what its edit form locks, whether it may be deleted). */
export type CampaignWithUsage = AnswerOf<Evaluation['campaigns'][':id']['$get']>;
export type Screen = AnswerOf<Evaluation['screens']['$get']>['items'][number];
export type Booking = AnswerOf<Evaluation['bookings']['$get']>['items'][number];
export type Session = AnswerOf<Evaluation['sessions']['$get']>['items'][number];
export type SubjectResult = AnswerOf<Evaluation['campaigns'][':id']['results']['$get']>['items'][number];
export type Problem = AnswerOf<ReturnType<typeof tenant>['problems']['$get']>['items'][number];
export type MemberName = AnswerOf<ReturnType<typeof tenant>['members']['$get']>['items'][number];

/** A problem's text, or why the county does not see it (a visit's finding before it is published: the server withholds it). */
export const problemText = (p: { content: string; withheld?: true }) => (p.withheld ? t('problems.withheld') : p.content);

export const evaluationApi = {
  questionnaires: (slug: string) => call(evaluationClient(slug).questionnaires.$get({ query: { all: '1' } })).then((r) => r.items),
  questionnaire: (slug: string, id: string) => call(evaluationClient(slug).questionnaires[':id'].$get({ param: { id } })),
  campaigns: (slug: string) => call(evaluationClient(slug).campaigns.$get({ query: {} })).then((r) => r.items),
  campaign: (slug: string, id: string) => call(evaluationClient(slug).campaigns[':id'].$get({ param: { id } })),
  results: (slug: string, id: string) => call(evaluationClient(slug).campaigns[':id'].results.$get({ param: { id } })).then((r) => r.items),
  screens: (slug: string) => call(evaluationClient(slug).screens.$get()).then((r) => r.items),
  bookings: (slug: string, from: string, to: string) => call(evaluationClient(slug).bookings.$get({ query: { from, to } })).then((r) => r.items),
  sessions: (slug: string, campaignId?: string) => call(evaluationClient(slug).sessions.$get({ query: campaignId ? { campaignId } : {} })).then((r) => r.items),
  /** one page of the sessions list, filtered on the server */
  sessionPage: (slug: string, query: SessionFilter & { offset: number; limit: number }) =>
    call(evaluationClient(slug).sessions.$get({ query: { ...query, offset: String(query.offset), limit: String(query.limit) } })),
};

export interface SessionFilter {
  from?: string;
  to?: string;
  villageId?: string;
  status?: 'open' | 'closed';
}

/**
 * Starts a booking's session. Before its slot the server refuses unless the admin confirms an early start,
 * which is asked here; undefined when the admin declines.
 */
export async function openSessionOf(slug: string, booking: Pick<Booking, 'id' | 'startsAt' | 'villageName'>) {
  const early = Date.now() < Date.parse(booking.startsAt);
  if (early && !confirm(t('eval.b.confirm_early', { village: booking.villageName, time: chineseMinute(booking.startsAt) }))) return undefined;
  return call(evaluationClient(slug).sessions.$post({ json: { bookingId: booking.id, confirmEarly: early } }));
}

/**
 * Names of party members, one request per 500: the results and problem lists name members, and their
 * APIs give ids. With a village, only that village's members.
 */
export async function loadMemberNames(slug: string, villageId?: string): Promise<Map<string, MemberName>> {
  const names = new Map<string, MemberName>();
  for (let offset = 0; ; offset += 500) {
    const page = await call(tenant(slug).members.$get({ query: { limit: '500', offset: String(offset), ...(villageId ? { villageId } : {}) } }));
    for (const m of page.items) names.set(m.id, m);
    if (offset + 500 >= page.total || page.items.length === 0) return names;
  }
}

/** A score in hundredths of a point shown with two decimals (8999 → "89.99"). */
export const points = (hundredths: number | null | undefined) => (hundredths === null || hundredths === undefined ? '—' : (hundredths / 100).toFixed(2));

/** Hundredths from a typed score ("89.5" → 8950); NaN when it is not a number. */
export const toHundredths = (text: string) => (text.trim() === '' ? NaN : Math.round(Number(text) * 100));

export function Stars(props: { n: number | null | undefined }) {
  if (!props.n) return <span class="muted">—</span>;
  return (
    <span class="stars" role="img" aria-label={t('eval.stars_label', { n: props.n })}>
      {'★'.repeat(props.n)}
      <span class="stars-off">{'☆'.repeat(5 - props.n)}</span>
    </span>
  );
}

export const groupLabel = (g: RaterGroup) => t(`eval.group.${g}`);
export const kindLabel = (k: SubjectKind) => t(`eval.kind.${k}`);

/** Minutes since Shanghai midnight. */
export const shMinutes = (iso: string) => {
  const [h, m] = shanghaiClock(iso).split(':').map(Number);
  return h * 60 + m;
};
/** "09-07" of "2026-09-07". */
export const monthDay = (date: string) => date.slice(5);

/** The big screen of a session (another page, opened in a new tab on the centre's TV). */
export const bigScreenUrl = (slug: string, sessionId: string) => `/screen?${new URLSearchParams({ t: slug, s: sessionId })}`;

/** A client id for a paper ballot: a re-sent form keeps its id and does not count twice. */
export const newClientId = () => `p${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
