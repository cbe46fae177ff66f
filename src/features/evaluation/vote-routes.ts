import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../app-env';
import { publicRoute } from '../../auth/guard';
import { campaigns, villages } from '../../db/schema';
import { AppError } from '../../platform/errors';
import { input } from '../../platform/validate';
import { parseSettings } from '../../tenancy/settings';
import { getCampaign, getQuestionnaire, sessionSubjects } from './campaigns';
import { castBallots, resolveVoter, voterSubjects } from './cast-ballot';
import { appSecret } from './crypto';
import { itemsFor, RATER_GROUPS } from './rules';
import { codeParam, identifyInput, passInput, submissionInput } from './schemas';
import { isClosed, qrTiming, sessionByCode, sessionStatus, type EvaluationSession } from './sessions';
import { computeTally, findReceipts } from './tally';
import { issuePass, verifyEntry, verifyPass } from './tokens';

const key = (s: EvaluationSession) => ({ tenantId: s.tenantId, sessionId: s.id });

async function sessionFor(c: Context<AppEnv>, code: string) {
  return sessionByCode(c.var.scope!, code);
}

async function requirePass(c: Context<AppEnv>, session: EvaluationSession, pass: string) {
  if (!(await verifyPass(appSecret(c.env), key(session), pass))) throw new AppError(403, 'evaluation.pass_invalid');
}

/**
 * The phone ballot's API (no login; a township leader's or member's session cookie is used when present):
 *   GET  /vote/:code            what the page shows before anything else (village, campaign, open or not)
 *   POST /vote/:code/pass       a fresh QR token or typed 6-digit code → a ballot pass + subjects + questions
 *   POST /vote/:code/identify   who is voting → the rater group per subject and what is already cast
 *   POST /vote/:code/ballots    the ballots (idempotent by clientId) → receipts
 *   GET  /vote/:code/tally      the public tally: receipts and the hash chain
 */
export const voteRoutes = new Hono<AppEnv>()
  .get('/:code', publicRoute(), input('param', codeParam), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionFor(c, c.req.valid('param').code);
    const [[village], campaign] = await Promise.all([
      scope.db.select({ name: villages.name, branchName: villages.branchName }).from(villages).where(scope.where(villages, eq(villages.id, session.villageId))),
      getCampaign(scope, session.campaignId),
    ]);
    const settings = parseSettings(c.var.tenant!.settings);
    return c.json({
      code: session.code,
      township: c.var.tenant!.name,
      village: village.name,
      branchName: village.branchName,
      campaign: { name: campaign.name, year: campaign.year, subjectKind: campaign.subjectKind },
      status: sessionStatus(session),
      opensAt: session.opensAt,
      closesAt: session.closesAt,
      requireHouseholdCode: settings.requireHouseholdCode,
    });
  })
  .post('/:code/pass', publicRoute(), input('param', codeParam), input('json', passInput), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionFor(c, c.req.valid('param').code);
    if (isClosed(session)) throw new AppError(409, 'evaluation.session_closed');
    const secret = appSecret(c.env);
    const settings = parseSettings(c.var.tenant!.settings);
    if (!(await verifyEntry(secret, key(session), c.req.valid('json').token, qrTiming(settings)))) throw new AppError(403, 'evaluation.token_invalid');
    const [campaign] = await scope.db.select().from(campaigns).where(scope.where(campaigns, eq(campaigns.id, session.campaignId)));
    const [questionnaire, subjects] = await Promise.all([getQuestionnaire(scope, campaign.questionnaireId), sessionSubjects(scope, campaign.id, session.villageId)]);
    return c.json({
      pass: await issuePass(secret, key(session), new Date(session.closesAt)),
      expiresAt: session.closesAt,
      subjects,
      questionnaire: {
        id: questionnaire.id,
        name: questionnaire.name,
        version: questionnaire.version,
        /** the items each rater group answers (option index is what a ballot sends) */
        items: Object.fromEntries(RATER_GROUPS.map((g) => [g, itemsFor(questionnaire.items, g)])),
      },
      requireHouseholdCode: settings.requireHouseholdCode,
    });
  })
  .post('/:code/identify', publicRoute(), input('param', codeParam), input('json', identifyInput), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionFor(c, c.req.valid('param').code);
    const body = c.req.valid('json');
    await requirePass(c, session, body.pass);
    const secret = appSecret(c.env);
    const resolved = await resolveVoter(scope, secret, session, body.voter, c.var.actor, parseSettings(c.var.tenant!.settings));
    return c.json({
      voter: { kind: resolved.voter.kind, name: resolved.memberName ?? null },
      subjects: await voterSubjects(scope, secret, session, resolved),
    });
  })
  .post('/:code/ballots', publicRoute(), input('param', codeParam), input('json', submissionInput), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionFor(c, c.req.valid('param').code);
    const body = c.req.valid('json');
    await requirePass(c, session, body.pass);
    const secret = appSecret(c.env);
    const resolved = await resolveVoter(scope, secret, session, body.voter, c.var.actor, parseSettings(c.var.tenant!.settings));
    const result = await castBallots(scope, secret, session, { clientId: body.clientId, channel: 'phone', voter: resolved, ballots: body.ballots });
    return c.json(result, result.replayed ? 200 : 201);
  })
  .get('/:code/tally', publicRoute(), input('param', codeParam), input('query', z.object({ receipt: z.string().trim().toUpperCase().max(20).optional() })), async (c) => {
    const scope = c.var.scope!;
    const session = await sessionFor(c, c.req.valid('param').code);
    const { tally } = await computeTally(scope, session.id);
    const { receipt } = c.req.valid('query');
    return c.json({
      code: session.code,
      status: sessionStatus(session),
      ...tally,
      ...(receipt ? { found: (await findReceipts(scope, session.id, [receipt])).length > 0 } : {}),
    });
  });
