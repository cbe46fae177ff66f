export { ratingRoutes } from './routes';
export { countyRatingOverview } from './queries';
export { ratingInProgress, ratingReopening } from './workflow';
export { cityRoutes, countyQuotas, countyQuotasBody, setCountyQuotas } from './organisation';
