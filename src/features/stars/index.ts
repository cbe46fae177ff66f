export { starsRoutes } from './routes';
export { recomputeProvisional, finaliseYear, reopenYear, finalisation } from './year-verbs';
export type { YearComposite } from './evaluation-source';
