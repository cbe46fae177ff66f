export { ratingRoutes } from './routes';
export { countyRatingOverview } from './queries';
export { ratingInProgress } from './workflow';
