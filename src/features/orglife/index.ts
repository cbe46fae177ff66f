import { Hono } from '../../platform/hono';
import type { AppEnv } from '../../app-env';
import { registerRoutes } from './import-routes';
import { photoRoutes } from './photo-routes';
import { meetingRoutes } from './routes';

/** 三会一课 · 主题党日: meeting records, attendance and check-in, photos, the warning list, import and the register. */
export const orgLifeRoutes = new Hono<AppEnv>().route('/', meetingRoutes).route('/', photoRoutes).route('/', registerRoutes);
/** For the stars computation (the organisation-life red line), the township home page and the county page. */
export { townshipOrgLife, townshipOrgLifeWarnings, countyOrgLifeWarnings, type OrgLifeWarning } from './warnings';
export type { Shortfall } from './rules';
