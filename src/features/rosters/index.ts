import { Hono } from 'hono';
import type { AppEnv } from '../../app-env';
import { householdRoutes, memberRoutes } from './village-roster-routes';
import { villageRoutes } from './village-routes';

/** Rosters: villages (with their branch), party members, households. */
export const rosterRoutes = new Hono<AppEnv>()
  .route('/villages', villageRoutes)
  .route('/members', memberRoutes)
  .route('/households', householdRoutes);
