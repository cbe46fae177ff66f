export { starsRoutes } from './routes';
export { recomputeProvisional, finaliseYear, reopenYear, finalisation } from './year-verbs';
export type { YearComposite } from './evaluation-source';
export { assertYearOpen } from './year-lock';
export { finalisationDue } from './rules';
export { listRedLineRules } from './red-line-catalogue';
