export { countyRoutes } from './routes';
