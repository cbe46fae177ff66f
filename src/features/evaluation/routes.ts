import { desc, eq } from 'drizzle-orm';
import { audit, recorder } from '../../audit/record';
import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { renderSVG } from 'uqr';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { seesPersonalDetails } from '../../auth/personal-data';
import { allow, publicRoute, TOWNSHIP_READERS } from '../../auth/guard';
import { campaigns, members, villages } from '../../db/schema';
import { notFound } from '../../platform/errors';
import { idParam, input, yearText } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { assertVillageVisible, listedVillage, ownVillage } from '../rosters';
import { recomputeProvisional } from '../stars';
import { cancelBooking, createBooking, createScreen, getBooking, listBookings, listScreens } from './schedule/bookings';
import { campaignView, createCampaign, createQuestionnaire, getCampaign, getQuestionnaire, listQuestionnaires, reviseQuestionnaire } from './setup/campaigns';
import { campaignDetail, deleteCampaign, editCampaign } from './setup/campaigns-edit';
import { castBallots, issueHouseholdCodes, listHouseholdCodes } from './voting/cast-ballot';
import { issueCredentials, listCredentials } from './voting/member-pins';
import { subjectReport } from './results/report';
import { byComposite, shownResult, subjectResults } from './results/results';
import {
  bookingInput,
  bookingQuery,
  campaignInput,
  campaignPatch,
  paperInput,
  questionnaireInput,
  questionnaireRevision,
  reportQuery,
  screenInput,
  sessionInput,
  sessionQuery,
  ticketInput,
  villageBody,
  villageQuery,
  displayQuery,
} from './schemas';
import { displayLink, rotateDisplayKey, screenDisplay, screenForKey } from './sessions/screen-display';
import { closeSession, endByTime, getSessionView, isClosed, issueTickets, listSessions, liveCounts, openSession, posterQr, qrTiming, screenQr, sessionRow, voteUrls } from './sessions/sessions';
import { computeTally } from './voting/tally';
import { forgetVoteContext, loadBallotContext } from './voting/vote-context';

/** Where phone links point: this origin, and the tenant slug unless the host already names the tenant. */
const linkBase = (c: Context<AppEnv>) => ({
  origin: new URL(c.req.url).origin,
  slug: c.req.path.startsWith('/t/') ? c.var.tenant!.slug : undefined,
});

/** Staff who run sessions: the township, and a village secretary for their own village. */
const RUNNERS = ['township_admin', 'village_secretary'] as const;

/**
 * Once a session is closed its ballots are the result: the year's provisional stars are recomputed in the
 * same request, so the report, the annual results, the village page and the county agree at once instead
 * of after the next night's job (a final year is left alone).
 */
async function recomputeYearOf(c: Context<AppEnv>, year: number) {
  await recomputeProvisional(c.var.db, c.var.tenant!.id, year, parseSettings(c.var.tenant!.settings));
}

async function assertVillageInTenant(c: Context<AppEnv>, villageId: string) {
  assertVillageVisible(c.var.actor, villageId);
  if (!(await c.var.scope!.find(villages, villageId))) throw notFound('rosters.village_not_found');
}

/** Questionnaires, campaigns, screens, bookings, sessions (the big screen), paper ballots, results and reports. */
export const evaluationRoutes = new Hono<AppEnv>()
  // ——— questionnaires (测评问卷) ———
  .get('/questionnaires', allow(...TOWNSHIP_READERS), input('query', z.object({ all: z.optional(z.enum(['1', '0'])) })), async (c) =>
    c.json({ items: await listQuestionnaires(c.var.scope!, c.req.valid('query').all === '1') }),
  )
  .get('/questionnaires/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) =>
    c.json(await getQuestionnaire(c.var.scope!, c.req.valid('param').id)),
  )
  .post('/questionnaires', allow('township_admin'), input('json', questionnaireInput), async (c) =>
    c.json(await createQuestionnaire(c.var.scope!, c.req.valid('json'), recorder(c)), 201),
  )
  .put('/questionnaires/:id', allow('township_admin'), input('param', idParam), input('json', questionnaireRevision), async (c) => {
    const { questionnaire, newVersion } = await reviseQuestionnaire(c.var.scope!, c.req.valid('param').id, c.req.valid('json'), recorder(c));
    return c.json(questionnaire, newVersion ? 201 : 200);
  })

  // ——— campaigns (测评活动) ———
  .get('/campaigns', allow(...TOWNSHIP_READERS, 'party_member'), input('query', z.object({ year: z.optional(yearText) })), async (c) => {
    const scope = c.var.scope!;
    const { year } = c.req.valid('query');
    const rows = await scope.db
      .select()
      .from(campaigns)
      .where(scope.where(campaigns, year ? eq(campaigns.year, year) : undefined))
      .orderBy(desc(campaigns.year), desc(campaigns.createdAt));
    return c.json({ items: rows.map(campaignView) });
  })
  .post('/campaigns', allow('township_admin'), input('json', campaignInput), async (c) => {
    const campaign = await createCampaign(c.var.scope!, c.req.valid('json'), parseSettings(c.var.tenant!.settings), actorId(c.var.actor), recorder(c));
    return c.json(campaignView(campaign), 201);
  })
  .get('/campaigns/:id', allow(...TOWNSHIP_READERS, 'party_member'), input('param', idParam), async (c) =>
    c.json(await campaignDetail(c.var.scope!, c.req.valid('param').id)),
  )
  // the name always; weights and thresholds before the first ballot; subjects and questionnaire before the first session
  .patch('/campaigns/:id', allow('township_admin'), input('param', idParam), input('json', campaignPatch), async (c) =>
    c.json(await editCampaign(c.var.scope!, c.var.memo, c.req.valid('param').id, c.req.valid('json'), recorder(c))),
  )
  .delete('/campaigns/:id', allow('township_admin'), input('param', idParam), async (c) => {
    await deleteCampaign(c.var.scope!, c.req.valid('param').id, recorder(c));
    return c.body(null, 204);
  })
  .get('/campaigns/:id/results', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const scope = c.var.scope!;
    await getCampaign(scope, id);
    const own = ownVillage(c.var.actor);
    const k = parseSettings(c.var.tenant!.settings).smallGroupMinBallots;
    return c.json({ items: (await subjectResults(scope, { campaignId: id, villageId: own })).map((r) => shownResult(r, k)).sort(byComposite) });
  })
  .get('/campaigns/:id/report', allow(...TOWNSHIP_READERS, 'party_member'), input('param', idParam), input('query', reportQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { subjectKind, subjectId } = c.req.valid('query');
    const scope = c.var.scope!;
    const actor = c.var.actor;
    // a member reads their own report only; a secretary the reports of their village
    if (actor?.kind === 'user' && actor.role === 'party_member' && !(subjectKind === 'member' && subjectId === actor.memberId))
      throw notFound('evaluation.subject_not_found');
    const own = ownVillage(actor);
    if (own) {
      const villageId = subjectKind === 'branch' ? subjectId : (await scope.find(members, subjectId))?.villageId;
      if (villageId !== own) throw notFound('evaluation.subject_not_found');
    }
    const settings = parseSettings(c.var.tenant!.settings);
    return c.json(await subjectReport(scope, id, subjectKind, subjectId, settings.anonymityMinBallots, settings.smallGroupMinBallots, seesPersonalDetails(c.var.actor)));
  })

  // ——— the evaluation centre's screens and bookings (预约) ———
  .get('/screens', allow(...TOWNSHIP_READERS), async (c) => c.json({ items: await listScreens(c.var.scope!) }))
  .post('/screens', allow('township_admin'), input('json', screenInput), async (c) => c.json(await createScreen(c.var.scope!, c.req.valid('json').name, recorder(c)), 201))
  // the unattended display link of a screen (a TV in a public hall holds no account): admin sees and rotates it
  .get('/screens/:id/display-link', allow('township_admin'), input('param', idParam), async (c) => {
    const { origin, slug } = linkBase(c);
    c.header('Cache-Control', 'no-store');
    return c.json(await displayLink(c.var.scope!, c.var.config.secrets.current, c.req.valid('param').id, origin, slug));
  })
  .post('/screens/:id/display-link/rotate', allow('township_admin'), input('param', idParam), async (c) => {
    const { origin, slug } = linkBase(c);
    c.header('Cache-Control', 'no-store');
    return c.json(await rotateDisplayKey(c.var.scope!, c.var.config.secrets.current, c.req.valid('param').id, origin, slug, recorder(c)));
  })
  .get('/screens/:id/display', publicRoute(), input('param', idParam), input('query', displayQuery), async (c) => {
    const scope = c.var.scope!;
    const secrets = c.var.config.secrets;
    const screen = await screenForKey(scope, secrets, c.req.valid('param').id, c.req.valid('query').key);
    const { origin, slug } = linkBase(c);
    c.header('Cache-Control', 'no-store');
    const shown = await screenDisplay(scope, secrets.current, screen, qrTiming(parseSettings(c.var.tenant!.settings)), origin, slug);
    return c.json({ township: c.var.tenant!.name, ...shown });
  })
  .get('/bookings', allow(...TOWNSHIP_READERS), input('query', bookingQuery), async (c) => {
    const query = c.req.valid('query');
    return c.json(await listBookings(c.var.scope!, query, listedVillage(c.var.actor, query.villageId)));
  })
  .post('/bookings', allow(...RUNNERS), input('json', bookingInput), async (c) => {
    const body = c.req.valid('json');
    assertVillageVisible(c.var.actor, body.villageId);
    return c.json(await createBooking(c.var.scope!, body, actorId(c.var.actor), recorder(c)), 201);
  })
  .get('/bookings/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) =>
    c.json(await getBooking(c.var.scope!, c.req.valid('param').id, ownVillage(c.var.actor))),
  )
  .delete('/bookings/:id', allow(...RUNNERS), input('param', idParam), async (c) => {
    await cancelBooking(c.var.scope!, c.req.valid('param').id, recorder(c), ownVillage(c.var.actor));
    return c.body(null, 204);
  })

  // ——— sessions and the big screen ———
  .get('/sessions', allow(...TOWNSHIP_READERS), input('query', sessionQuery), async (c) => {
    const query = c.req.valid('query');
    return c.json(await listSessions(c.var.scope!, { ...query, villageId: listedVillage(c.var.actor, query.villageId) }));
  })
  .post('/sessions', allow(...RUNNERS), input('json', sessionInput), async (c) => {
    const { bookingId, confirmEarly } = c.req.valid('json');
    const { session, created } = await openSession(c.var.scope!, bookingId, actorId(c.var.actor), recorder(c), ownVillage(c.var.actor), confirmEarly);
    return c.json(session, created ? 201 : 200);
  })
  .get('/sessions/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) =>
    c.json(await getSessionView(c.var.scope!, c.req.valid('param').id, ownVillage(c.var.actor))),
  )
  .post('/sessions/:id/close', allow(...RUNNERS), input('param', idParam), async (c) => {
    const view = await closeSession(c.var.scope!, c.req.valid('param').id, recorder(c), ownVillage(c.var.actor));
    forgetVoteContext(c.var.memo, c.var.scope!.tenantId, view.code);
    await recomputeYearOf(c, view.year);
    return c.json(view);
  })
  .get('/sessions/:id/qr', allow(...RUNNERS), input('param', idParam), async (c) => {
    const session = await sessionRow(c.var.scope!, c.req.valid('param').id, ownVillage(c.var.actor));
    const { origin, slug } = linkBase(c);
    c.header('Cache-Control', 'no-store');
    return c.json(await screenQr(c.var.config.secrets.current, session, qrTiming(parseSettings(c.var.tenant!.settings)), origin, slug));
  })
  .get('/sessions/:id/poster', allow(...RUNNERS), input('param', idParam), async (c) => {
    const session = await sessionRow(c.var.scope!, c.req.valid('param').id, ownVillage(c.var.actor));
    const { origin, slug } = linkBase(c);
    return c.json(await posterQr(c.var.config.secrets.current, session, origin, slug));
  })
  .get('/sessions/:id/live', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const row = await sessionRow(scope, c.req.valid('param').id, ownVillage(c.var.actor));
    // the screen keeps polling after the window: the first poll after it ends the session (salt erased)
    if (row.salt && isClosed(row)) await endByTime(scope, row);
    const view = await getSessionView(scope, row.id);
    c.header('Cache-Control', 'no-store');
    return c.json({ id: view.id, status: view.status, closesAt: view.closesAt, ...(await liveCounts(scope, view.id)) });
  })
  // the township's check of the tally: count, current and sealed root, and whether the ballot box holds as many ballots as receipts
  .get('/sessions/:id/tally', allow('township_admin'), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const view = await getSessionView(scope, c.req.valid('param').id);
    const { receipts: _receipts, ...tally } = await computeTally(scope, view.id);
    return c.json({ session: view, ...tally });
  })
  // printed one-time ballot tickets (一人一票码): the codes are answered once, only their HMACs are kept
  .post('/sessions/:id/tickets', allow('township_admin'), input('param', idParam), input('json', ticketInput), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionRow(scope, c.req.valid('param').id);
    const { codes, total } = await issueTickets(scope, c.var.config.secrets.current, session, c.req.valid('json').count, recorder(c));
    const { origin, slug } = linkBase(c);
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        total,
        tickets: codes.map((code) => {
          const { url } = voteUrls(origin, slug, session.code);
          const link = `${url}&ticket=${code}`;
          return { code, url: link, svg: renderSVG(link, { ecc: 'M', border: 2 }) };
        }),
      },
      201,
    );
  })
  .post('/sessions/:id/paper-ballots', allow('township_admin'), input('param', idParam), input('json', paperInput), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionRow(scope, c.req.valid('param').id);
    const body = c.req.valid('json');
    const result = await castBallots(scope, c.var.config.secrets.current, await loadBallotContext(scope, session), {
      clientId: body.clientId,
      channel: 'paper',
      // each paper sheet is its own voter; the officer's client id keeps a re-sent sheet from counting twice
      voter: { voter: { kind: 'villager' }, identity: `paper:${body.clientId}` },
      ballots: body.ballots,
    }, [audit(c, { action: 'paper_ballot.enter', entity: 'session', entityId: session.id, summary: { sheets: 1, subjects: body.ballots.length } })]);
    // a sheet entered after the window changes the result computed when it ended; its raised problem is released with the rest
    if (!result.replayed && isClosed(session)) {
      await endByTime(scope, session);
      await recomputeYearOf(c, (await getCampaign(scope, session.campaignId)).year);
    }
    return c.json(result, result.replayed ? 200 : 201);
  })

  // ——— member codes + PINs, household codes ———
  .get('/member-credentials', allow('township_admin', 'village_secretary'), input('query', villageQuery), async (c) => {
    const { villageId } = c.req.valid('query');
    await assertVillageInTenant(c, villageId);
    return c.json({ items: await listCredentials(c.var.scope!, villageId) });
  })
  .post(
    '/member-credentials',
    allow('township_admin'),
    input('json', z.extend(villageBody, { resetMemberIds: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(500))) })),
    async (c) => {
      const { villageId, resetMemberIds } = c.req.valid('json');
      await assertVillageInTenant(c, villageId);
      c.header('Cache-Control', 'no-store');
      return c.json({ items: await issueCredentials(c.var.scope!, c.var.config.secrets.current, villageId, recorder(c), resetMemberIds) }, 201);
    },
  )
  // the township's alone, as printed tickets are: a village's secretary is evaluated by its households, and with
  // their codes (and a session he runs) could cast every household's ballot himself
  .get('/household-codes', allow('township_admin'), input('query', villageQuery), async (c) => {
    const { villageId } = c.req.valid('query');
    await assertVillageInTenant(c, villageId);
    return c.json({ items: await listHouseholdCodes(c.var.scope!, villageId) });
  })
  .post('/household-codes', allow('township_admin'), input('json', villageBody), async (c) => {
    const { villageId } = c.req.valid('json');
    await assertVillageInTenant(c, villageId);
    return c.json({ items: await issueHouseholdCodes(c.var.scope!, villageId, recorder(c)) }, 201);
  });
