export { countyRoutes } from './routes';
/** Content-Disposition of a downloaded file with a Chinese name (the audit log's exports too). */
export { contentDisposition } from './rules';
