export { publicRoutes, villageByName, villagePageUrl } from './routes';
