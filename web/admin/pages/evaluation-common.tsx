/** Shapes, API calls and small pieces shared by the evaluation and problem-list pages. */
import { api, tenantApi } from '../../shared/api';
import { t } from '../t';

export const RATER_GROUPS = ['self', 'peer', 'villager', 'leader'] as const;
export type RaterGroup = (typeof RATER_GROUPS)[number];
export type SubjectKind = 'branch' | 'member';
export type Weights = Record<RaterGroup, number>;

export interface QuestionnaireItem {
  key: string;
  text: string;
  groups?: RaterGroup[];
  options: { label: string; points: number }[];
}
export interface Questionnaire {
  id: string;
  family: string;
  version: number;
  subjectKind: SubjectKind;
  name: string;
  items: QuestionnaireItem[];
  createdAt: string;
}
export interface Campaign {
  id: string;
  year: number;
  name: string;
  subjectKind: SubjectKind;
  questionnaireId: string;
  weights: Weights;
  /** hundredths of a point for 5, 4, 3, 2 stars */
  starThresholds: number[];
  createdAt: string;
}
/** What a campaign already holds (GET /campaigns/:id): what its edit form locks and whether it may be deleted. */
export interface CampaignUsage {
  bookings: number;
  sessions: number;
  ballots: boolean;
  yearFinal: boolean;
}
/** One campaign as its page reads it: the villages of its subjects and its usage too. */
export interface CampaignWithUsage extends Campaign {
  villageIds: string[];
  usage: CampaignUsage;
}
export interface Screen {
  id: string;
  name: string;
}
export interface Booking {
  id: string;
  campaignId: string;
  villageId: string;
  villageName: string;
  screenId: string;
  screenName: string;
  startsAt: string;
  endsAt: string;
  note: string;
  sessionId: string | null;
  sessionCode: string | null;
  sessionClosedAt: string | null;
}
export interface Session {
  id: string;
  code: string;
  campaignId: string;
  campaignName: string;
  year: number;
  subjectKind: SubjectKind;
  villageId: string;
  villageName: string;
  branchName: string;
  bookingId: string;
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  status: 'open' | 'closed';
}
export interface GroupResult {
  weight: number;
  count: number;
  score: number | null;
}
export interface SubjectResult {
  campaignId: string;
  subjectKind: SubjectKind;
  subjectId: string;
  villageId: string;
  groups: Record<RaterGroup, GroupResult>;
  ballots: number;
  composite: number | null;
  complete: boolean;
  stars: number | null;
}
export interface Problem {
  id: string;
  villageId: string;
  subjectKind: SubjectKind;
  subjectId: string;
  source: 'ballot' | 'admin' | 'visit';
  sessionId: string | null;
  year: number;
  content: string;
  measure: string;
  deadline: string | null;
  owner: string;
  status: ProblemStatus;
  noticeStartsAt: string | null;
  noticeEndsAt: string | null;
  createdAt: string;
  overdue: boolean;
  inNotice: boolean;
}
export const PROBLEM_STATUSES = ['open', 'in_progress', 'rectified', 'verified'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export interface MemberName {
  id: string;
  name: string;
  villageId: string;
  isSecretary?: boolean;
}

const ev = (path: string, slug: string) => tenantApi(`/evaluation${path}`, slug);
export const evaluationApi = {
  questionnaires: (slug: string) => api.get<{ items: Questionnaire[] }>(ev('/questionnaires?all=1', slug)).then((r) => r.items),
  questionnaire: (slug: string, id: string) => api.get<Questionnaire>(ev(`/questionnaires/${id}`, slug)),
  campaigns: (slug: string) => api.get<{ items: Campaign[] }>(ev('/campaigns', slug)).then((r) => r.items),
  campaign: (slug: string, id: string) => api.get<CampaignWithUsage>(ev(`/campaigns/${id}`, slug)),
  results: (slug: string, id: string) => api.get<{ items: SubjectResult[] }>(ev(`/campaigns/${id}/results`, slug)).then((r) => r.items),
  screens: (slug: string) => api.get<{ items: Screen[] }>(ev('/screens', slug)).then((r) => r.items),
  bookings: (slug: string, from: string, to: string) =>
    api.get<{ items: Booking[] }>(ev(`/bookings?${new URLSearchParams({ from, to })}`, slug)).then((r) => r.items),
  sessions: (slug: string, campaignId?: string) =>
    api.get<{ items: Session[] }>(ev(`/sessions${campaignId ? `?campaignId=${encodeURIComponent(campaignId)}` : ''}`, slug)).then((r) => r.items),
  path: ev,
};

/**
 * Names of party members, one request per 500: the results and problem lists name members, and their
 * APIs give ids. With a village, only that village's members.
 */
export async function loadMemberNames(slug: string, villageId?: string): Promise<Map<string, MemberName>> {
  const names = new Map<string, MemberName>();
  for (let offset = 0; ; offset += 500) {
    const params = new URLSearchParams({ limit: '500', offset: String(offset), ...(villageId ? { villageId } : {}) });
    const page = await api.get<{ items: MemberName[]; total: number }>(tenantApi(`/members?${params}`, slug));
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

// ——— Asia/Shanghai calendar arithmetic (UTC+8 all year, no daylight saving) ———

const SHANGHAI = 8 * 3600_000;
const DAY = 86_400_000;

/** "YYYY-MM-DD" of an instant in Shanghai. */
export const shDate = (iso: string | Date) => new Date(new Date(iso).getTime() + SHANGHAI).toISOString().slice(0, 10);
/** "HH:MM" of an instant in Shanghai. */
export const shTime = (iso: string) => new Date(new Date(iso).getTime() + SHANGHAI).toISOString().slice(11, 16);
/** Minutes since Shanghai midnight. */
export const shMinutes = (iso: string) => {
  const [h, m] = shTime(iso).split(':').map(Number);
  return h * 60 + m;
};
/** The UTC instant of a Shanghai date and "HH:MM". */
export const shInstant = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`).toISOString();
export const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** The Monday of the week of a Shanghai date. */
export const mondayOf = (date: string) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
export const todayShanghai = () => shDate(new Date());
export const shanghaiYearNow = () => Number(todayShanghai().slice(0, 4));
/** "09-07" of "2026-09-07". */
export const monthDay = (date: string) => date.slice(5);

/** The big screen of a session (another page, opened in a new tab on the centre's TV). */
export const bigScreenUrl = (slug: string, sessionId: string) => `/screen?${new URLSearchParams({ t: slug, s: sessionId })}`;

/** A client id for a paper ballot: a re-sent form keeps its id and does not count twice. */
export const newClientId = () => `p${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
