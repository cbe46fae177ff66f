import type { ComponentType } from 'preact';
import { lazyPage } from './lazy-page';
import { AccountsPage } from './pages/accounts';
import { HouseholdsPage, MembersPage } from './pages/rosters';
import { ImportPage } from './pages/import';
import { SettingsPage } from './pages/settings';
import { VillagesPage } from './pages/villages';
import type { TenantRole } from './session';
import type { MessageKey } from './t';

// governance ledgers: loaded when first opened, so the phone's first load stays small
const ContactPage = lazyPage(() => import('./pages/contact').then((m) => m.ContactPage));
const VisitPage = lazyPage(() => import('./pages/contact-visit').then((m) => m.VisitPage));
const DecisionsPage = lazyPage(() => import('./pages/decisions').then((m) => m.DecisionsPage));
const LedgersPage = lazyPage(() => import('./pages/ledgers').then((m) => m.LedgersPage));
const OrgLifePage = lazyPage(() => import('./pages/orglife').then((m) => m.OrgLifePage));
const CheckInPage = lazyPage(() => import('./pages/orglife').then((m) => m.CheckInPage));
// online evaluation and problem lists: loaded when first opened
const EvaluationPage = lazyPage(() => import('./pages/evaluation').then((m) => m.EvaluationPage));
const HomePage = lazyPage(() => import('./pages/home').then((m) => m.HomePage));
const ProblemsPage = lazyPage(() => import('./pages/problems').then((m) => m.ProblemsPage));
const ProblemReviewsPage = lazyPage(() => import('./pages/problem-reviews').then((m) => m.ProblemReviewsPage));
// star results and collective income: the dashboard's chart library comes with its page only
const StarsDashboardPage = lazyPage(() => import('./pages/stars-dashboard').then((m) => m.StarsDashboardPage));
const StarsResultsPage = lazyPage(() => import('./pages/stars-results').then((m) => m.StarsResultsPage));
const StarsRedLinesPage = lazyPage(() => import('./pages/stars-red-lines').then((m) => m.StarsRedLinesPage));
const IncomePage = lazyPage(() => import('./pages/income').then((m) => m.IncomePage));
const RatingPage = lazyPage(() => import('./pages/rating').then((m) => m.RatingPage));
const RatingBranchPage = lazyPage(() => import('./pages/rating-branch').then((m) => m.RatingBranchPage));
const AuditPage = lazyPage(() => import('./pages/audit').then((m) => m.AuditPage));
/** The county department's comparison across townships, outside any township: /county/<countyId>. */
export const CountyPage = lazyPage(() => import('./pages/county').then((m) => m.CountyPage));
export const CountyRatingPage = lazyPage(() => import('./pages/county-rating').then((m) => m.CountyRatingPage));
export const CityRatingPage = lazyPage(() => import('./pages/city-rating').then((m) => m.CityRatingPage));
export const cityRatingPath = (cityId: string) => `/city/${encodeURIComponent(cityId)}/rating`;
export const countyPath = (countyId: string) => `/county/${encodeURIComponent(countyId)}`;

/** The navigation's groups, in order: 测评 · 星级 · 台账 · 名册 · 设置. */
export const NAV_AREAS = ['evaluation', 'stars', 'ledgers', 'rosters', 'settings'] as const;
export type NavArea = (typeof NAV_AREAS)[number];

/** A page of the township admin app, mounted at /t/<slug><path>. */
export interface TownshipPage {
  path: string;
  component: ComponentType<{ slug: string }>;
  /** roles that see the page (and its nav entry); the API still decides what they may do */
  roles: TenantRole[];
  /** label in the navigation; pages without one are reached by links */
  nav?: MessageKey;
  /** the navigation group it is listed in */
  area?: NavArea;
  /** roles that land here after signing in (otherwise a role lands on its first page in the nav) */
  home?: TenantRole[];
  /** roles that have it in the phone's bottom bar (their most-used pages, after their home; four at most fit) */
  bar?: TenantRole[];
}

const READERS: TenantRole[] = ['township_admin', 'village_secretary', 'county_viewer'];

/**
 * The township pages, in navigation order. A later feature adds its page here (one entry) and its
 * texts to messages.ts; the shell, nav and role check come for free.
 */
export const TOWNSHIP_PAGES: TownshipPage[] = [
  { path: '/home', component: HomePage, roles: ['township_admin', 'village_secretary', 'party_member'], nav: 'nav.home', area: 'evaluation', home: ['township_admin', 'village_secretary', 'party_member'] },
  { path: '/villages', component: VillagesPage, roles: READERS, nav: 'nav.villages', area: 'rosters' },
  { path: '/members', component: MembersPage, roles: READERS, nav: 'nav.members', area: 'rosters' },
  { path: '/households', component: HouseholdsPage, roles: READERS, nav: 'nav.households', area: 'rosters' },
  { path: '/evaluation', component: EvaluationPage, roles: [...READERS, 'party_member'], nav: 'nav.evaluation', area: 'evaluation', bar: ['township_admin', 'village_secretary', 'party_member'] },
  { path: '/problems', component: ProblemsPage, roles: READERS, nav: 'nav.problems', area: 'evaluation', bar: ['township_admin', 'village_secretary', 'county_viewer'] },
  { path: '/problem-reviews', component: ProblemReviewsPage, roles: ['township_admin', 'village_secretary'], nav: 'nav.problem_reviews', area: 'evaluation' },
  { path: '/contact', component: ContactPage, roles: READERS, nav: 'nav.contact', area: 'ledgers', bar: ['village_secretary'] },
  { path: '/visit', component: VisitPage, roles: ['party_member', 'village_secretary'], nav: 'nav.visit', area: 'ledgers', bar: ['party_member'] },
  { path: '/decisions', component: DecisionsPage, roles: READERS, nav: 'nav.decisions', area: 'ledgers' },
  { path: '/ledgers', component: LedgersPage, roles: READERS, nav: 'nav.ledgers', area: 'ledgers' },
  { path: '/orglife', component: OrgLifePage, roles: READERS, nav: 'nav.orglife', area: 'ledgers' },
  // reached from a meeting's QR, not from the navigation
  { path: '/checkin', component: CheckInPage, roles: ['party_member'] },
  { path: '/dashboard', component: StarsDashboardPage, roles: ['township_admin', 'county_viewer'], nav: 'nav.dashboard', area: 'stars', bar: ['township_admin', 'county_viewer'] },
  { path: '/results', component: StarsResultsPage, roles: READERS, nav: 'nav.results', area: 'stars', bar: ['county_viewer'] },
  { path: '/rating', component: RatingPage, roles: READERS, nav: 'rating.nav', area: 'stars' },
  { path: '/rating/branch', component: RatingBranchPage, roles: READERS },
  { path: '/red-lines', component: StarsRedLinesPage, roles: READERS, nav: 'nav.red_lines', area: 'stars' },
  { path: '/income', component: IncomePage, roles: READERS, nav: 'nav.income', area: 'stars' },
  { path: '/import', component: ImportPage, roles: ['township_admin', 'village_secretary'], nav: 'nav.import', area: 'rosters' },
  { path: '/settings', component: SettingsPage, roles: ['township_admin', 'county_viewer'], nav: 'nav.settings', area: 'settings' },
  { path: '/accounts', component: AccountsPage, roles: ['township_admin'], nav: 'nav.accounts', area: 'settings' },
  { path: '/audit', component: AuditPage, roles: ['township_admin', 'county_viewer'], nav: 'nav.audit', area: 'settings' },
];

/** The pages of the phone's bottom bar for a role, after its home (in navigation order). */
export function barPages(role: TenantRole): TownshipPage[] {
  return TOWNSHIP_PAGES.filter((page) => page.nav && page.roles.includes(role) && page.bar?.includes(role) && !page.home?.includes(role));
}

/** Where a role starts in a township: the page marked as its home, else its first page in the nav. */
export function firstPage(role: TenantRole | undefined): TownshipPage | undefined {
  if (!role) return undefined;
  return TOWNSHIP_PAGES.find((page) => page.home?.includes(role)) ?? TOWNSHIP_PAGES.find((page) => page.nav && page.roles.includes(role));
}
