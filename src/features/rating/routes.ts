import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audited } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { allow, publicRoute } from '../../auth/guard';
import { seesPersonalDetails } from '../../auth/personal-data';
import { campaigns, campaignSubjects, officialCampaigns, ratingEntries } from '../../db/schema';
import { noticeEndDate } from '../../domain/holidays';
import { MEMBER_GRADES, RECHECK_DECISIONS } from '../../domain/rating';
import { SUBJECT_KINDS } from '../../domain/vocabulary';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { shanghaiDate, shanghaiYear } from '../../platform/time';
import { idField, input, isoDate, yearField, yearText } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { answerObjection, fileObjection } from '../objections';
import { assertVillageVisible, listedVillage, ownVillage } from '../rosters';
import { assertYearOpen } from '../stars';
import { RATING_READERS, resolveOrganiser } from './access';
import { branchGrades, decideGrade, ownGrade } from './member-grades';
import { entryTimeline, listEntries, listPlaques, listRatingObjections } from './queries';
import { assertWithinCeiling, cityCheck, findEntry, findYear, name, nominate, noticeRunning, openYear, publish, ratingChangeForObjection, recheck, repropose, score } from './workflow';

const yearParam = z.object({ year: yearText });
const entryParam = z.object({ year: yearText, villageId: idField });
const stars = z.int().check(z.gte(1), z.lte(5));
const reason = z.string().check(z.trim(), z.minLength(2), z.maxLength(500));
const recheckInput = z.object({ decision: z.enum(RECHECK_DECISIONS), reason: z.optional(reason), version: z.int().check(z.gte(1)) });

/** The proposed last day of a notice starting `startsOn`, counted in working days with the holiday table. */
function proposedEnd(c: Context<AppEnv>, startsOn: string) {
  return noticeEndDate(startsOn, parseSettings(c.var.tenant!.settings).rating.noticeWorkingDays);
}

/** The 公示 as the public sees it: the township's confirmed levels and the window; nothing before the notice starts. */
async function publicNotice(c: Context<AppEnv>, year: number, villageId?: string) {
  const y = await findYear(c, year);
  if ((y.step !== 'notice' && y.step !== 'named') || !y.noticeStartsOn || shanghaiDate() < y.noticeStartsOn) throw notFound('rating.notice_not_running');
  const [entries, plaqueList] = await Promise.all([listEntries(c.var.scope!, year, villageId), y.step === 'named' ? listPlaques(c.var.scope!, c.var.registry, year) : Promise.resolve([])]);
  return {
    township: c.var.tenant!.name,
    year,
    step: y.step,
    noticeStartsOn: y.noticeStartsOn,
    noticeEndsOn: y.noticeEndsOn,
    open: noticeRunning(y),
    items: entries.map((e) => ({ villageId: e.villageId, villageName: e.villageName, stars: e.proposedStars })),
    /** 授牌名单 once the year is named: the branch, the plaque, the department that awarded it, the day */
    plaques: plaqueList.filter((p) => !villageId || p.villageId === villageId).map((p) => ({ villageId: p.villageId, villageName: p.villageName, kind: p.kind, awardedBy: p.awardedBy, issuedAt: p.issuedAt })),
  };
}

/** 评星定级 of one township: its year's steps, the branches' entries, the notice, objections and plaques. */
export const ratingRoutes = new Hono<AppEnv>()
  .use('*', resolveOrganiser)
  .post('/years', allow('township_admin'), input('json', z.object({ year: yearField, nominationDeadline: isoDate })), async (c) => {
    const body = c.req.valid('json');
    if (body.year > shanghaiYear()) throw badRequest('stars.year_in_future', { year: body.year });
    if (body.nominationDeadline < shanghaiDate()) throw badRequest('rating.deadline_in_past');
    return c.json(await openYear(c, body.year, body.nominationDeadline), 201);
  })
  .get('/years/:year', allow(...RATING_READERS), input('param', yearParam), async (c) => {
    const { year } = c.req.valid('param');
    const y = await findYear(c, year);
    const { tenantId: _t, ...rest } = y;
    return c.json({ ...rest, entries: await listEntries(c.var.scope!, year, listedVillage(c.var.actor, undefined)) });
  })
  .put(
    '/years/:year/official-campaigns/:subjectKind',
    allow('township_admin'),
    input('param', z.object({ year: yearText, subjectKind: z.enum(SUBJECT_KINDS) })),
    input('json', z.object({ campaignId: idField })),
    async (c) => {
      const { year, subjectKind } = c.req.valid('param');
      const { campaignId } = c.req.valid('json');
      const scope = c.var.scope!;
      await assertYearOpen(scope.db, scope.tenantId, year);
      const campaign = await scope.find(campaigns, campaignId);
      if (!campaign) throw notFound('evaluation.campaign_not_found');
      if (campaign.year !== year) throw badRequest('rating.campaign_wrong_year', { year });
      const [subject] = await scope.db
        .select({ id: campaignSubjects.subjectId })
        .from(campaignSubjects)
        .where(scope.where(campaignSubjects, and(eq(campaignSubjects.campaignId, campaignId), eq(campaignSubjects.subjectKind, subjectKind))))
        .limit(1);
      if (!subject) throw badRequest('rating.campaign_no_subjects');
      const row = { tenantId: scope.tenantId, year, subjectKind, campaignId, designatedBy: actorId(c.var.actor), designatedAt: new Date().toISOString() };
      await audited(
        c,
        scope.db.insert(officialCampaigns).values(row).onConflictDoUpdate({ target: [officialCampaigns.tenantId, officialCampaigns.year, officialCampaigns.subjectKind], set: row }),
        { action: 'rating.official_campaign', entity: 'official_campaign', entityId: `${year}:${subjectKind}`, after: { campaignId } },
      );
      return c.json({ year, subjectKind, campaignId });
    },
  )
  .get('/years/:year/official-campaigns', allow(...RATING_READERS), input('param', yearParam), async (c) => {
    const scope = c.var.scope!;
    const rows = await scope.db.select().from(officialCampaigns).where(scope.where(officialCampaigns, eq(officialCampaigns.year, c.req.valid('param').year)));
    return c.json({ items: rows.map(({ tenantId: _t, ...r }) => r) });
  })
  .put(
    '/years/:year/nomination',
    allow('village_secretary'),
    input('param', yearParam),
    input('json', z.object({ appliedStars: stars, statement: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)), dutyReport: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)) })),
    async (c) => {
      const entry = await nominate(c, c.req.valid('param').year, ownVillage(c.var.actor)!, c.req.valid('json') as { appliedStars: 1 | 2 | 3 | 4 | 5; statement: string; dutyReport: string });
      return c.json(entry);
    },
  )
  .post(
    '/years/:year/score',
    allow('township_admin'),
    input('param', yearParam),
    input('json', z.object({ aboveApplication: z._default(z.record(idField, reason), {}) })),
    async (c) => c.json(await score(c, c.req.valid('param').year, c.req.valid('json').aboveApplication)),
  )
  .put(
    '/years/:year/entries/:villageId/proposal',
    allow('township_admin'),
    input('param', entryParam),
    input('json', z.object({ stars: z.nullable(stars), reason, version: z.int().check(z.gte(1)) })),
    async (c) => {
      const { year, villageId } = c.req.valid('param');
      const body = c.req.valid('json');
      return c.json(await repropose(c, year, villageId, { ...body, stars: body.stars as 1 | 2 | 3 | 4 | 5 | null }));
    },
  )
  .post('/years/:year/entries/:villageId/recheck', allow('county_organiser'), input('param', entryParam), input('json', recheckInput), async (c) => {
    const { year, villageId } = c.req.valid('param');
    return c.json(await recheck(c, year, villageId, c.req.valid('json')));
  })
  .post('/years/:year/entries/:villageId/city-check', allow('city_organiser'), input('param', entryParam), input('json', recheckInput), async (c) => {
    const { year, villageId } = c.req.valid('param');
    return c.json(await cityCheck(c, year, villageId, c.req.valid('json')));
  })
  .get('/years/:year/entries/:villageId/timeline', allow(...RATING_READERS), input('param', entryParam), async (c) => {
    const { year, villageId } = c.req.valid('param');
    assertVillageVisible(c.var.actor, villageId);
    await findYear(c, year);
    const scope = c.var.scope!;
    const [entry] = await scope.db.select({ id: ratingEntries.id }).from(ratingEntries).where(scope.where(ratingEntries, eq(ratingEntries.year, year), eq(ratingEntries.villageId, villageId)));
    return c.json({ items: await entryTimeline(scope, c.var.registry, year, entry?.id ?? null) });
  })
  .get('/years/:year/notice-proposal', allow('township_admin'), input('param', yearParam), input('query', z.object({ startsOn: z.optional(isoDate) })), async (c) => {
    const startsOn = c.req.valid('query').startsOn ?? shanghaiDate();
    const { end, announced } = proposedEnd(c, startsOn);
    return c.json({ startsOn, endsOn: end, workingDays: parseSettings(c.var.tenant!.settings).rating.noticeWorkingDays, holidaysAnnounced: announced });
  })
  .post(
    '/years/:year/publish',
    allow('township_admin'),
    input('param', yearParam),
    input('json', z.object({ startsOn: z.optional(isoDate), endsOn: z.optional(isoDate) })),
    async (c) => {
      const body = c.req.valid('json');
      const startsOn = body.startsOn ?? shanghaiDate();
      const minimum = proposedEnd(c, startsOn).end;
      const { tenantId: _t, ...y } = await publish(c, c.req.valid('param').year, { startsOn, endsOn: body.endsOn ?? minimum }, minimum);
      return c.json(y);
    },
  )
  .get('/years/:year/notice', publicRoute(), input('param', yearParam), async (c) => c.json(await publicNotice(c, c.req.valid('param').year)))
  .get('/years/:year/notice/:villageId', publicRoute(), input('param', entryParam), async (c) => {
    const { year, villageId } = c.req.valid('param');
    const notice = await publicNotice(c, year, villageId);
    if (!notice.items.length) throw notFound('rating.entry_not_found');
    return c.json(notice);
  })
  .post(
    '/years/:year/notice/:villageId/objections',
    publicRoute(),
    input('param', entryParam),
    input('json', z.object({ content: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)), contact: z.optional(z.string().check(z.trim(), z.maxLength(60))) })),
    async (c) => {
      const { year, villageId } = c.req.valid('param');
      const y = await findYear(c, year);
      if (!noticeRunning(y)) throw conflict('rating.notice_not_running');
      const entry = await findEntry(c, year, villageId);
      const row = await fileObjection(c, { target: 'rating', ratingEntryId: entry.id }, c.req.valid('json'));
      return c.json({ id: row.id, createdAt: row.createdAt }, 201);
    },
  )
  .get('/years/:year/objections', allow('township_admin', 'county_organiser', 'city_organiser', 'county_viewer'), input('param', yearParam), async (c) => {
    const rows = await listRatingObjections(c.var.scope!, c.req.valid('param').year);
    // whoever objected gave a contact for the township to answer: nobody else reads it
    const full = seesPersonalDetails(c.var.actor) && c.var.actor?.kind === 'user' && c.var.actor.role === 'township_admin';
    return c.json({ items: rows.map(({ contact, ...r }) => (full ? { ...r, contact } : r)) });
  })
  .post(
    '/years/:year/objections/:objectionId/answer',
    allow('township_admin'),
    input('param', z.object({ year: yearText, objectionId: idField })),
    input('json', z.object({ answer: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)), upheld: z.boolean(), stars: z.optional(z.nullable(stars)) })),
    async (c) => {
      const { year, objectionId } = c.req.valid('param');
      const body = c.req.valid('json');
      const y = await findYear(c, year);
      if (y.step !== 'notice') throw conflict('rating.wrong_step', { step: { message: `rating.step.${y.step}` as const } });
      const all = await listRatingObjections(c.var.scope!, year);
      const objection = all.find((o) => o.id === objectionId);
      if (!objection) throw notFound('problems.objection_not_found');
      const entry = await findEntry(c, year, objection.villageId);
      if (body.stars !== undefined && !body.upheld) throw badRequest('rating.objection_stars_only_if_upheld');
      const revised = body.upheld ? body.stars : undefined;
      const change = revised !== undefined && revised !== entry.proposedStars;
      // an upheld objection proposes again, under the same ceiling as any proposal: scoring less the quota cuts
      if (change) assertWithinCeiling(entry, revised as 1 | 2 | 3 | 4 | 5 | null);
      const extra = change ? ratingChangeForObjection(c, entry, revised as 1 | 2 | 3 | 4 | 5 | null, body.answer) : [];
      const row = await answerObjection(c, { target: 'rating', ratingEntryId: entry.id }, objectionId, body, extra).catch(async (error: unknown) => {
        // not the answer's own refusal (answered already): the rating change's version guard, the entry written since it was read here
        if (error instanceof AppError) throw error;
        const now = await findEntry(c, year, entry.villageId);
        if (change && now.version !== entry.version) throw conflict('rating.stale', { version: now.version });
        throw error;
      });
      return c.json({ id: row.id, answer: row.answer, answeredAt: row.answeredAt, upheld: row.upheld, entry: await findEntry(c, year, entry.villageId) });
    },
  )
  .post('/years/:year/name', allow('township_admin'), input('param', yearParam), async (c) => c.json(await name(c, c.req.valid('param').year)))
  .get('/years/:year/plaques', allow(...RATING_READERS), input('param', yearParam), async (c) => {
    await findYear(c, c.req.valid('param').year);
    return c.json({ items: await listPlaques(c.var.scope!, c.var.registry, c.req.valid('param').year) });
  })
  .get('/years/:year/member-grades', allow('township_admin', 'village_secretary', 'county_viewer'), input('param', yearParam), input('query', z.object({ villageId: z.optional(idField) })), async (c) => {
    const villageId = listedVillage(c.var.actor, c.req.valid('query').villageId);
    if (!villageId) throw badRequest('rating.village_required');
    assertVillageVisible(c.var.actor, villageId);
    return c.json({ items: await branchGrades(c, c.req.valid('param').year, villageId) });
  })
  .put(
    '/years/:year/member-grades/:memberId',
    allow('township_admin', 'village_secretary'),
    input('param', z.object({ year: yearText, memberId: idField })),
    input('json', z.object({ grade: z.enum(MEMBER_GRADES), reason: z.optional(reason), meetingOn: isoDate, meetingNote: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) })),
    async (c) => {
      const { year, memberId } = c.req.valid('param');
      return c.json(await decideGrade(c, year, memberId, c.req.valid('json')));
    },
  )
  .get('/years/:year/my-grade', allow('party_member'), input('param', yearParam), async (c) => {
    const actor = c.var.actor;
    const memberId = actor?.kind === 'user' ? actor.memberId : undefined;
    if (!memberId) throw notFound('rating.member_not_found');
    return c.json({ year: c.req.valid('param').year, grade: await ownGrade(c, c.req.valid('param').year, memberId) });
  });
