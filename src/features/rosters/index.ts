import { Hono } from '../../platform/hono';
import type { AppEnv } from '../../app-env';
import { rosterFileRoutes } from './import/routes';
import { householdRoutes, memberRoutes } from './village-roster-routes';
import { villageRoutes } from './village-routes';

/** Rosters: villages (with their branch), party members, households; their bulk import and export as files. */
export const rosterRoutes = new Hono<AppEnv>()
  .route('/villages', villageRoutes)
  .route('/members', memberRoutes)
  .route('/households', householdRoutes)
  .route('/', rosterFileRoutes);

/** Which villages an actor sees: every feature's routes check a village through these. */
export { assertVillageVisible, listedVillage, ownVillage } from './village-access';
export { villageListPage } from './village-list';
