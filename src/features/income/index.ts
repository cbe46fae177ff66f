export { incomeRoutes } from './routes';
export { incomeSummary } from './summary';
export { incomeTier, yuan, type IncomeCategory } from './rules';
