export { contactRoutes } from './routes';
export { raiseProblemFromVisit } from './raise-problem';
export { mustVisitCategories } from './rules';
