export { starsRoutes } from './routes';
export { recomputeProvisional, finaliseYear, reopenYear, finalisation, type Naming } from './year-verbs';
export { yearComposites } from './evaluation-source';
export { listResults } from './queries';
export type { YearComposite } from './evaluation-source';
export { assertYearOpen } from './year-lock';
export { finalisationDue } from './rules';
export { liveAnnualResult } from './queries';
export { listRedLineRules } from './red-line-catalogue';
