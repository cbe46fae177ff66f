import { asc, desc, eq } from 'drizzle-orm';
import { audit, audited } from '../../audit/record';
import { newId } from '../../platform/ids';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { DECISION_STAGES, MATTER_CATEGORIES, MATTER_STATUSES, decisionMatters, decisionStages, villages, type DecisionStage } from '../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { translate, type Locale, type MessageKey } from '../../platform/i18n';
import { shanghaiYear } from '../../platform/time';
import { idField, idParam, input, isoDate, paging, yearField, yearText } from '../../platform/validate';
import { assertVillageVisible, listedVillage, villageListPage } from '../rosters';
import { shanghaiDate } from '../../platform/time';
import { villagesWithIncompleteDecisions } from './red-line';
import { judgeMeeting, meetingBody, missingBeforeImplementation, nextStages, refuseTransition, STAGE_KIND, statusAfter } from './rules';

const matterInput = z.object({
  villageId: idField,
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(120)),
  category: z.enum(MATTER_CATEGORIES),
  /** fen */
  amountFen: z.optional(z.nullable(z.int().check(z.gte(0), z.lte(100_000_000_000)))),
  /** defaults to this Shanghai year */
  year: z.optional(yearField),
});

const count0 = z.int().check(z.gte(0), z.lte(1_000_000));
const stageInput = z.object({
  stage: z.enum(DECISION_STAGES),
  heldOn: isoDate,
  /** resolution only: villager representatives' meeting (default) or villagers' meeting */
  body: z.optional(z.enum(['representatives', 'villagers'])),
  eligible: z.optional(count0),
  present: z.optional(count0),
  votesFor: z.optional(count0),
  votesAgainst: z.optional(count0),
  abstentions: z.optional(count0),
  minutes: z._default(z.string().check(z.trim(), z.maxLength(5000)), ''),
  /** public stages: the text made public */
  publicText: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(5000))),
});

const listQuery = z.object({
  villageId: z.optional(idField),
  year: z.optional(yearText),
  status: z.optional(z.enum(MATTER_STATUSES)),
  ...paging,
});

const irregularInput = z.object({ implementedOn: isoDate, note: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) });

const stageName = (locale: Locale, stage: DecisionStage) => translate(locale, `decisions.stage.${stage}` as MessageKey);

const writers = allow('township_admin', 'village_secretary');

/** 四议三审两公开: matters, their stages in enforced order, and the red-line report. */
export const decisionRoutes = new Hono<AppEnv>()
  .get('/matters', allow(...TOWNSHIP_READERS), input('query', listQuery), async (c) => {
    const query = c.req.valid('query');
    const scope = c.var.scope!;
    const villageId = listedVillage(c.var.actor, query.villageId);
    const where = scope.where(
      decisionMatters,
      villageId ? eq(decisionMatters.villageId, villageId) : undefined,
      query.year ? eq(decisionMatters.year, query.year) : undefined,
      query.status ? eq(decisionMatters.status, query.status) : undefined,
    );
    const page = await villageListPage(scope, decisionMatters, {
      where,
      orderBy: [desc(decisionMatters.year), asc(villages.name), desc(decisionMatters.createdAt)],
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({
      items: page.items.map((matter) => ({
        ...matter,
        nextStages: matter.status === 'open' && !matter.irregularImplementedOn ? nextAfter(matter.lastStage) : [],
      })),
      total: page.totals.n,
    });
  })
  .get('/matters/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const matter = await scope.find(decisionMatters, c.req.valid('param').id);
    if (!matter) throw notFound('decisions.matter_not_found');
    assertVillageVisible(c.var.actor, matter.villageId);
    const stages = await stagesOf(c.var.scope!, matter.id);
    const recorded = stages.map((s) => s.stage);
    return c.json({
      ...matter,
      stages,
      nextStages: matter.status === 'open' && !matter.irregularImplementedOn ? nextStages(recorded) : [],
      missingBeforeImplementation: missingBeforeImplementation(recorded),
    });
  })
  .post('/matters', writers, input('json', matterInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    assertVillageVisible(c.var.actor, body.villageId);
    if (!(await scope.find(villages, body.villageId))) throw notFound('rosters.village_not_found');
    const row = {
      id: newId(),
      villageId: body.villageId,
      title: body.title,
      category: body.category,
      amountFen: body.amountFen ?? null,
      year: body.year ?? shanghaiYear(),
      createdBy: actorId(c.var.actor),
    };
    const [created] = await audited(c, scope.insert(decisionMatters, [row]).returning(), { action: 'decision.create', entity: 'decision_matter', entityId: row.id, after: row });
    return c.json({ ...created, nextStages: nextStages([]) }, 201);
  })
  .delete('/matters/:id', writers, input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const matter = await scope.find(decisionMatters, c.req.valid('param').id);
    if (!matter) throw notFound('decisions.matter_not_found');
    assertVillageVisible(c.var.actor, matter.villageId);
    if (matter.lastStage || matter.irregularImplementedOn) throw conflict('decisions.has_stages');
    await audited(c, scope.delete(decisionMatters, matter.id), { action: 'decision.delete', entity: 'decision_matter', entityId: matter.id, before: matter });
    return c.body(null, 204);
  })
  .post('/matters/:id/stages', writers, input('param', idParam), input('json', stageInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const locale = c.var.locale;
    const matter = await scope.find(decisionMatters, c.req.valid('param').id);
    if (!matter) throw notFound('decisions.matter_not_found');
    assertVillageVisible(c.var.actor, matter.villageId);
    if (matter.irregularImplementedOn) throw conflict('decisions.matter_irregular');
    const stages = await stagesOf(scope, matter.id);
    const recorded = stages.map((s) => s.stage);

    const refusal = refuseTransition(matter.status, recorded, body.stage);
    if (refusal) {
      const params: Record<string, string> = {};
      if ('stage' in refusal) params.stage = stageName(locale, refusal.stage);
      if ('expected' in refusal) params.expected = refusal.expected.map((s) => stageName(locale, s)).join(translate(locale, 'decisions.stage_separator'));
      throw conflict(refusal.code, params);
    }
    const previous = stages.at(-1);
    if (previous && body.heldOn < previous.heldOn) throw badRequest('decisions.date_before_previous', { date: previous.heldOn });
    if (body.heldOn > shanghaiDate()) throw badRequest('decisions.date_in_future');

    const kind = STAGE_KIND[body.stage];
    let passed = true;
    let meeting: Pick<typeof decisionStages.$inferInsert, 'eligible' | 'present' | 'votesFor' | 'votesAgainst' | 'abstentions' | 'body'> = {};
    if (kind === 'meeting') {
      const { eligible, present, votesFor } = body;
      if (eligible === undefined || present === undefined || votesFor === undefined)
        throw badRequest('decisions.meeting_fields_required', { stage: stageName(locale, body.stage) });
      const votes = { eligible, present, votesFor, votesAgainst: body.votesAgainst ?? 0, abstentions: body.abstentions ?? 0 };
      const judgement = judgeMeeting(meetingBody(body.stage, body.body)!, votes);
      if (!judgement.ok)
        throw badRequest(judgement.code, judgement.code === 'decisions.no_quorum' ? { eligible, required: judgement.required } : {});
      passed = judgement.passed;
      meeting = { ...votes, body: body.stage === 'resolution' ? (body.body ?? 'representatives') : null };
    }
    if (kind === 'public' && !body.publicText) throw badRequest('decisions.public_text_required', { stage: stageName(locale, body.stage) });

    const status = statusAfter(body.stage, passed);
    try {
      await scope.db.batch([
        scope.insert(decisionStages, [
          {
            matterId: matter.id,
            stage: body.stage,
            seq: stages.length + 1,
            heldOn: body.heldOn,
            ...meeting,
            passed,
            minutes: body.minutes,
            publicText: kind === 'public' ? body.publicText : null,
            recordedBy: actorId(c.var.actor),
          },
        ]),
        scope.update(decisionMatters, matter.id, { lastStage: body.stage, status }),
        audit(c, {
          action: 'decision.stage',
          entity: 'decision_matter',
          entityId: matter.id,
          before: { lastStage: matter.lastStage, status: matter.status },
          after: { lastStage: body.stage, status },
          summary: { heldOn: body.heldOn, passed },
        }),
      ]);
    } catch (error) {
      // the unique (matter, seq) and (matter, stage) indexes refused a concurrent write of the same step
      throw new AppError(409, 'error.conflict', {}, undefined, { cause: error });
    }
    const after = [...recorded, body.stage];
    return c.json(
      { id: matter.id, stage: body.stage, passed, status, nextStages: status === 'open' ? nextStages(after) : [] },
      201,
    );
  })
  .post('/matters/:id/irregular', allow('township_admin'), input('param', idParam), input('json', irregularInput), async (c) => {
    const body = c.req.valid('json');
    const scope = c.var.scope!;
    const matter = await scope.find(decisionMatters, c.req.valid('param').id);
    if (!matter) throw notFound('decisions.matter_not_found');
    const recorded = (await stagesOf(scope, matter.id)).map((s) => s.stage);
    const missing = missingBeforeImplementation(recorded);
    if (!missing.length) throw conflict('decisions.not_irregular');
    if (body.implementedOn > shanghaiDate()) throw badRequest('decisions.date_in_future');
    const patch = { irregularImplementedOn: body.implementedOn, irregularNote: body.note };
    await audited(c, scope.update(decisionMatters, matter.id, patch), { action: 'decision.irregular', entity: 'decision_matter', entityId: matter.id, before: matter, after: patch });
    return c.json({ id: matter.id, implementedOn: body.implementedOn, missing });
  })
  .get('/red-lines', allow('township_admin', 'county_viewer'), input('query', z.object({ year: yearText })), async (c) => {
    const { year } = c.req.valid('query');
    return c.json({ year, items: await villagesWithIncompleteDecisions(c.var.scope!, year) });
  });

function nextAfter(lastStage: DecisionStage | null): DecisionStage[] {
  // review_during may repeat, so the last stage alone decides what may follow
  return nextStages(lastStage ? [lastStage] : []);
}

async function stagesOf(scope: NonNullable<AppEnv['Variables']['scope']>, matterId: string) {
  return scope.db
    .select()
    .from(decisionStages)
    .where(scope.where(decisionStages, eq(decisionStages.matterId, matterId)))
    .orderBy(asc(decisionStages.seq));
}
