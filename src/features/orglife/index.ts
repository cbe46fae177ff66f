export { meetingRoutes as orgLifeRoutes } from './routes';
/** For the stars computation (the organisation-life red line), the township home page and the county page. */
export { townshipOrgLife, townshipOrgLifeWarnings, countyOrgLifeWarnings, type OrgLifeWarning } from './warnings';
export type { Shortfall } from './rules';
