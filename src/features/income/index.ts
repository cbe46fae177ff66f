export { incomeRoutes } from './routes';
export { incomeSummary } from './summary';
