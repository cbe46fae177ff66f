import type { Context } from 'hono';
import { Hono } from '../../../platform/hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as z from 'zod/mini';
import type { AppEnv } from '../../../app-env';
import { publicRoute } from '../../../auth/guard';
import { sortReceipts } from '../../../domain/merkle';
import { throttled } from '../../../auth/throttle';
import type { TenantScope } from '../../../db/tenant-scope';
import { underAnyKey, verifyingKeys, type Secrets } from '../../../platform/config';
import { AppError } from '../../../platform/errors';
import { jsonText } from '../../../platform/json-text';
import { input } from '../../../platform/validate';
import { settingsOf } from '../../../tenancy/tenant';
import { bump, castBallots, resolveVoter, voterSubjects, type ResolvedVoter } from './cast-ballot';
import { codeParam, identifyInput, passInput, submissionInput } from '../schemas';
import { endByTime, isClosed, qrTiming, sessionStatus, type EvaluationSession } from '../sessions/sessions';
import { computeTally, receiptProof } from './tally';
import { isTypedCode, issuePass, typedCodeKeys, verifyEntry, verifyPass } from '../sessions/passes';
import { forgetVoteContext, voteContext, type VoteContext } from './vote-context';

const key = (s: EvaluationSession) => ({ tenantId: s.tenantId, sessionId: s.id });

/**
 * The session behind the code, with its campaign, questionnaire and subjects (cached a few seconds per
 * instance). A session found past its window that still holds its salt ends here (salt erased, raised
 * problems released): the first request after the end does it, the nightly job catches the rest.
 */
async function contextFor(c: Context<AppEnv>, code: string): Promise<VoteContext> {
  const context = await voteContext(c.var.memo, c.var.scope!, code);
  if (context.session.salt && isClosed(context.session)) {
    await endByTime(c.var.scope!, context.session);
    forgetVoteContext(c.var.memo, c.var.scope!.tenantId, code);
    return voteContext(c.var.memo, c.var.scope!, code);
  }
  return context;
}

/** A pass's nonce under the current key or, during a rotation, the previous one; null when neither signed it. */
async function passNonce(secrets: Secrets, session: EvaluationSession, pass: string): Promise<string | null> {
  for (const secret of verifyingKeys(secrets)) {
    const nonce = await verifyPass(secret, key(session), pass);
    if (nonce) return nonce;
  }
  return null;
}

/** The phone's pass nonce, or 403 (the page then asks for a fresh scan). */
async function requirePass(c: Context<AppEnv>, session: EvaluationSession, pass: string): Promise<string> {
  const nonce = await passNonce(c.var.config.secrets, session, pass);
  if (!nonce) throw new AppError(403, 'evaluation.pass_invalid');
  return nonce;
}

/** The HttpOnly copy of the phone's pass: a re-scan on the same phone gets the same pass back, even if the page's storage was cleared. */
const passCookie = (session: EvaluationSession) => `xp_pass_${session.id}`;
const cookiePath = (c: Context<AppEnv>) => c.req.path.replace(/\/pass(\/release)?$/, '');

/**
 * The phone ballot's API (no login; a township leader's or member's session cookie is used when present):
 *   GET  /vote/:code                what the page shows before anything else (village, campaign, open or not)
 *   POST /vote/:code/pass           a fresh QR token or typed 6-digit code → this phone's own pass (a random
 *                                   nonce the server draws, kept on the phone and in an HttpOnly cookie) +
 *                                   subjects + questions; a phone that already holds a pass gets it back
 *                                   instead of a second one. With a villager voter also what identify answers
 *   POST /vote/:code/pass/release   另一人投票: the phone forgets its pass; the next voter scans afresh
 *   POST /vote/:code/identify       who is voting → the rater group per subject and what is already cast
 *   POST /vote/:code/ballots        the ballots (idempotent by clientId) → receipts
 *   GET  /vote/:code/tally          the public tally: count; once closed the Merkle root, the sorted receipts
 *                                   and a receipt's inclusion proof
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
      requireBallotTicket: settings.requireBallotTicket,
    });
  })
  .post('/:code/pass', publicRoute(), input('param', codeParam), input('json', passInput), async (c) => {
    const scope = c.var.scope!;
    const context = await contextFor(c, c.req.valid('param').code);
    const { session } = context;
    if (isClosed(session)) throw new AppError(409, 'evaluation.session_closed');
    const secrets = c.var.config.secrets;
    const secret = secrets.current;
    const settings = settingsOf(c.var.tenant!);
    const body = c.req.valid('json');
    // the phone's own pass, if it holds one: given back, not counted again
    let pass = body.pass ?? getCookie(c, passCookie(session));
    let nonce = pass ? await passNonce(secrets, session, pass) : null;
    if (!nonce) {
      if (!body.token) throw new AppError(403, 'evaluation.pass_or_token_required');
      const token = body.token;
      const valid = () => underAnyKey(secrets, (s) => verifyEntry(s, key(session), token, qrTiming(settings)));
      // only a typed code can be guessed: the QR's token carries a MAC
      const right = isTypedCode(token) ? await throttled(c.var.registry, typedCodeKeys(key(session), c.var.clientIp), valid) : await valid();
      if (!right) {
        // a mistyped 6-digit code is not an expired QR code: each says what to do
        throw new AppError(403, isTypedCode(token) ? 'evaluation.code_wrong' : 'evaluation.token_invalid');
      }
      ({ pass, nonce } = await issuePass(secret, key(session), new Date(session.closesAt)));
      await bump(scope, session.id, 'passes');
    }
    setCookie(c, passCookie(session), pass!, {
      httpOnly: true,
      secure: c.var.config.secureCookies,
      sameSite: 'Lax',
      path: cookiePath(c),
      maxAge: Math.max(1, Math.ceil((Date.parse(session.closesAt) - Date.now()) / 1000)),
    });
    // a villager known by the pass alone is identified at once; with household codes or tickets the phone asks identify once the code is typed
    const identified =
      body.voter && !settings.requireHouseholdCode && !settings.requireBallotTicket
        ? await identify(scope, secret, context, await resolveVoter(scope, secrets, session, nonce, body.voter, c.var.actor, settings))
        : undefined;
    // what every phone of the session gets besides its pass is serialised once per instance and settings
    const variant = `${settings.requireHouseholdCode}|${settings.requireBallotTicket}`;
    let shared = context.passReplies.get(variant);
    if (shared === undefined) {
      shared = JSON.stringify(passShared(context, settings)).slice(1, -1);
      if (context.passReplies.size >= 8) context.passReplies.clear();
      context.passReplies.set(variant, shared);
    }
    const reply = `{"pass":${JSON.stringify(pass)},${shared}${identified ? `,"identified":${JSON.stringify(identified)}` : ''}}`;
    c.header('Cache-Control', 'no-store');
    return jsonText<PassReply>(c, reply);
  })
  .post('/:code/pass/release', publicRoute(), input('param', codeParam), input('json', z.object({ pass: z.string().check(z.maxLength(100)) })), async (c) => {
    const { session } = await contextFor(c, c.req.valid('param').code);
    await requirePass(c, session, c.req.valid('json').pass);
    deleteCookie(c, passCookie(session), { path: cookiePath(c), secure: c.var.config.secureCookies });
    if (!isClosed(session)) await bump(c.var.scope!, session.id, 'handovers');
    return c.json({ released: true });
  })
  .post('/:code/identify', publicRoute(), input('param', codeParam), input('json', identifyInput), async (c) => {
    const scope = c.var.scope!;
    const context = await contextFor(c, c.req.valid('param').code);
    const body = c.req.valid('json');
    const nonce = await requirePass(c, context.session, body.pass);
    if (isClosed(context.session)) throw new AppError(409, 'evaluation.session_closed');
    const secrets = c.var.config.secrets;
    const resolved = await resolveVoter(scope, secrets, context.session, nonce, body.voter, c.var.actor, settingsOf(c.var.tenant!));
    return c.json(await identify(scope, secrets.current, context, resolved));
  })
  .post('/:code/ballots', publicRoute(), input('param', codeParam), input('json', submissionInput), async (c) => {
    const scope = c.var.scope!;
    const context = await contextFor(c, c.req.valid('param').code);
    const body = c.req.valid('json');
    const nonce = await requirePass(c, context.session, body.pass);
    const secrets = c.var.config.secrets;
    // an ended session still answers a retry with its receipts (castBallots), so the voter is resolved only while it runs
    const resolved: ResolvedVoter = context.session.salt
      ? await resolveVoter(scope, secrets, context.session, nonce, body.voter, c.var.actor, settingsOf(c.var.tenant!))
      : { voter: { kind: 'villager' }, identity: '', pass: nonce };
    const result = await castBallots(scope, secrets.current, context, { clientId: body.clientId, channel: 'phone', voter: resolved, ballots: body.ballots, unknown: body.unknown });
    return c.json(result, result.replayed ? 200 : 201);
  })
  .get('/:code/tally', publicRoute(), input('param', codeParam), input('query', z.object({ receipt: z.optional(z.string().check(z.trim(), z.toUpperCase(), z.maxLength(20))) })), async (c) => {
    const scope = c.var.scope!;
    const { session } = await contextFor(c, c.req.valid('param').code);
    const closed = isClosed(session);
    const { receipt } = c.req.valid('query');
    const tally = await computeTally(scope, session.id);
    // while ballots may still come the root is withheld: two roots a ballot apart would narrow that ballot down
    if (!closed) return c.json({ code: session.code, status: sessionStatus(session), count: tally.count, root: null, receipts: null });
    const proof = receipt ? await receiptProof(scope, session.id, receipt) : undefined;
    return c.json({
      code: session.code,
      sessionId: session.id,
      status: sessionStatus(session),
      count: tally.count,
      root: tally.sealedRoot ?? tally.root,
      sealed: tally.sealedRoot !== null,
      intact: tally.intact,
      receipts: sortReceipts(tally.receipts),
      ...(receipt ? { found: !!proof?.proof, proof: proof?.proof ?? null } : {}),
    });
  });

/** What every phone of a session gets besides its own pass (serialised once per instance and settings). */
function passShared({ session, questionnaire, subjects, itemsByGroup }: VoteContext, settings: ReturnType<typeof settingsOf>) {
  return {
    expiresAt: session.closesAt,
    subjects,
    questionnaire: {
      id: questionnaire.id,
      name: questionnaire.name,
      version: questionnaire.version,
      /** the items each rater group answers (option index is what a ballot sends) */
      items: itemsByGroup,
    },
    requireHouseholdCode: settings.requireHouseholdCode,
    requireBallotTicket: settings.requireBallotTicket,
  };
}

/** The pass answer: this phone's pass, what every phone gets, and, for a villager known at once, what identify answers. */
type PassReply = { pass: string; identified?: Awaited<ReturnType<typeof identify>> } & ReturnType<typeof passShared>;

/** Who is voting and, per subject, their rater group and whether their ballot is already in. */
async function identify(scope: TenantScope, secret: string, context: VoteContext, resolved: ResolvedVoter) {
  return {
    voter: { kind: resolved.voter.kind, name: resolved.memberName ?? null },
    subjects: await voterSubjects(scope, secret, context, resolved),
  };
}
