import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { idField, input, isoMonth } from '../../platform/validate';
import { shanghaiDate } from '../../platform/time';
import { parseSettings } from '../../tenancy/settings';
import { MANAGERS, reportVillage } from './access';
import { householdLinkRoutes, memberLinkRoutes } from './link-routes';
import { coverageReport, networkReport } from './reports';
import { signoffRoutes } from './signoff-routes';
import { visitRoutes } from './visit-routes';

/** 初心三人行: the contact network, visits, monthly sign-offs, and the network and coverage reports. */
export const contactRoutes = new Hono<AppEnv>()
  .route('/member-links', memberLinkRoutes)
  .route('/household-links', householdLinkRoutes)
  .route('/visits', visitRoutes)
  .route('/signoffs', signoffRoutes)
  .get('/network', allow(...TOWNSHIP_READERS), input('query', z.object({ villageId: z.optional(idField) })), async (c) => {
    const villageId = await reportVillage(c, c.req.valid('query').villageId);
    return c.json(await networkReport(c.var.scope!, villageId, parseSettings(c.var.tenant!.settings).contact));
  })
  .get('/coverage', allow(...MANAGERS), input('query', z.object({ villageId: z.optional(idField), month: z.optional(isoMonth) })), async (c) => {
    const query = c.req.valid('query');
    const villageId = await reportVillage(c, query.villageId);
    const month = query.month ?? shanghaiDate().slice(0, 7);
    return c.json(await coverageReport(c.var.scope!, villageId, month, parseSettings(c.var.tenant!.settings).contact.mustVisitDays));
  });
