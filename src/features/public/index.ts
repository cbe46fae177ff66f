export { publicRoutes, villagePageUrl } from './routes';
