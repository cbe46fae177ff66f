import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../app-env';
import { publicRoute } from '../../auth/guard';
import { assertNotThrottled, noteFailure } from '../../auth/throttle';
import type { TenantScope } from '../../db/tenant-scope';
import { underAnyKey } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { input } from '../../platform/validate';
import { settingsOf } from '../../tenancy/tenant';
import { castBallots, resolveVoter, voterSubjects, type ResolvedVoter } from './cast-ballot';
import { codeParam, identifyInput, passInput, submissionInput } from './schemas';
import { isClosed, qrTiming, sessionStatus, type EvaluationSession } from './sessions';
import { computeTally, findReceipts } from './tally';
import { isTypedCode, issuePass, typedCodeKeys, verifyEntry, verifyPass } from './tokens';
import { voteContext, type VoteContext } from './vote-context';

const key = (s: EvaluationSession) => ({ tenantId: s.tenantId, sessionId: s.id });

/** The session behind the code, with its campaign, questionnaire and subjects (cached a few seconds per instance). */
function contextFor(c: Context<AppEnv>, code: string) {
  return voteContext(c.var.memo, c.var.scope!, code);
}

async function requirePass(c: Context<AppEnv>, session: EvaluationSession, pass: string) {
  // a pass signed before a key rotation is still good while APP_SECRET_PREVIOUS is set
  if (!(await underAnyKey(c.var.config.secrets, (secret) => verifyPass(secret, key(session), pass)))) throw new AppError(403, 'evaluation.pass_invalid');
}

/**
 * The phone ballot's API (no login; a township leader's or member's session cookie is used when present):
 *   GET  /vote/:code            what the page shows before anything else (village, campaign, open or not)
 *   POST /vote/:code/pass       a fresh QR token or typed 6-digit code → a ballot pass + subjects + questions;
 *                               with a villager's device id (and no household code required) also what
 *                               identify answers, so a villager's phone needs two requests in all
 *   POST /vote/:code/identify   who is voting → the rater group per subject and what is already cast
 *   POST /vote/:code/ballots    the ballots (idempotent by clientId) → receipts
 *   GET  /vote/:code/tally      the public tally: receipts in order, the chain's head once closed
 */
export const voteRoutes = new Hono<AppEnv>()
  .get('/:code', publicRoute(), input('param', codeParam), async (c) => {
    const { session, village, campaign } = await contextFor(c, c.req.valid('param').code);
    const settings = settingsOf(c.var.tenant!);
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
    const context = await contextFor(c, c.req.valid('param').code);
    const { session, questionnaire } = context;
    if (isClosed(session)) throw new AppError(409, 'evaluation.session_closed');
    const { secrets } = c.var.config;
    const secret = secrets.current;
    const settings = settingsOf(c.var.tenant!);
    const body = c.req.valid('json');
    const attempts = isTypedCode(body.token) ? typedCodeKeys(key(session), c.var.clientIp) : [];
    if (attempts.length) await assertNotThrottled(c.var.db, attempts);
    if (!(await underAnyKey(secrets, (s) => verifyEntry(s, key(session), body.token, qrTiming(settings))))) {
      if (attempts.length) await noteFailure(c.var.db, attempts);
      throw new AppError(403, 'evaluation.token_invalid');
    }
    // a villager known by the phone alone is identified at once; with household codes the phone asks identify once the code is typed
    const identified =
      body.voter && !settings.requireHouseholdCode
        ? await identify(scope, secret, context, await resolveVoter(scope, secrets, session, body.voter, c.var.actor, settings))
        : undefined;
    // every new villager's phone of a session gets the same reply: it is serialised once per variant
    const pass = await issuePass(secret, key(session), new Date(session.closesAt));
    const variant = `${pass}|${settings.requireHouseholdCode}|${identified ? JSON.stringify(identified) : ''}`;
    let reply = context.passReplies.get(variant);
    if (reply === undefined) {
      reply = JSON.stringify({
        pass,
        expiresAt: session.closesAt,
        subjects: context.subjects,
        questionnaire: {
          id: questionnaire.id,
          name: questionnaire.name,
          version: questionnaire.version,
          /** the items each rater group answers (option index is what a ballot sends) */
          items: context.itemsByGroup,
        },
        requireHouseholdCode: settings.requireHouseholdCode,
        ...(identified ? { identified } : {}),
      });
      if (context.passReplies.size >= 64) context.passReplies.clear();
      context.passReplies.set(variant, reply);
    }
    return c.body(reply, 200, { 'Content-Type': 'application/json' });
  })
  .post('/:code/identify', publicRoute(), input('param', codeParam), input('json', identifyInput), async (c) => {
    const scope = c.var.scope!;
    const context = await contextFor(c, c.req.valid('param').code);
    const body = c.req.valid('json');
    await requirePass(c, context.session, body.pass);
    const { secrets } = c.var.config;
    const secret = secrets.current;
    const resolved = await resolveVoter(scope, secrets, context.session, body.voter, c.var.actor, settingsOf(c.var.tenant!));
    return c.json(await identify(scope, secret, context, resolved));
  })
  .post('/:code/ballots', publicRoute(), input('param', codeParam), input('json', submissionInput), async (c) => {
    const scope = c.var.scope!;
    const context = await contextFor(c, c.req.valid('param').code);
    const body = c.req.valid('json');
    await requirePass(c, context.session, body.pass);
    const { secrets } = c.var.config;
    const secret = secrets.current;
    const resolved = await resolveVoter(scope, secrets, context.session, body.voter, c.var.actor, settingsOf(c.var.tenant!));
    const result = await castBallots(scope, secret, context, { clientId: body.clientId, channel: 'phone', voter: resolved, ballots: body.ballots });
    return c.json(result, result.replayed ? 200 : 201);
  })
  .get('/:code/tally', publicRoute(), input('param', codeParam), input('query', z.object({ receipt: z.string().trim().toUpperCase().max(20).optional() })), async (c) => {
    const scope = c.var.scope!;
    const { session } = await contextFor(c, c.req.valid('param').code);
    const { tally } = await computeTally(scope, session.id);
    const { receipt } = c.req.valid('query');
    return c.json({
      code: session.code,
      status: sessionStatus(session),
      ...tally,
      // receipts in order, without each ballot's digest and hashes: those are a function of its few possible answer
      // sets, so with someone's receipt they would tell how that person voted (a vote buyer's check). For the same
      // reason the head only once the session is closed: two heads polled one ballot apart are that ballot's hash.
      // The final head commits to every ballot; the township's tally (signed in) shows the whole chain.
      head: session.closedAt ? tally.head : null,
      entries: tally.entries.map(({ seq, receipt }) => ({ seq, receipt })),
      ...(receipt ? { found: (await findReceipts(scope, session.id, [receipt])).length > 0 } : {}),
    });
  });

/** Who is voting and, per subject, their rater group and whether their ballot is already in. */
async function identify(scope: TenantScope, secret: string, context: VoteContext, resolved: ResolvedVoter) {
  return {
    voter: { kind: resolved.voter.kind, name: resolved.memberName ?? null },
    subjects: await voterSubjects(scope, secret, context, resolved),
  };
}
