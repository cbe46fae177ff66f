import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { villages } from './rosters';
import { tenantId } from './tenant-column';
import { DECISION_STAGES, MATTER_CATEGORIES, MATTER_STATUSES, RESOLUTION_BODIES } from '../../domain/vocabulary';
export { DECISION_STAGES, MATTER_CATEGORIES, MATTER_STATUSES, type DecisionStage, type MatterCategory } from '../../domain/vocabulary';


/** A village matter (事项) going through 四议三审两公开. */
export const decisionMatters = sqliteTable(
  'decision_matters',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    /** the Shanghai year the matter belongs to (the year it was proposed) */
    year: integer('year').notNull(),
    title: text('title').notNull(),
    category: text('category', { enum: MATTER_CATEGORIES }).notNull(),
    amountFen: integer('amount_fen'),
    status: text('status', { enum: MATTER_STATUSES }).notNull().default('open'),
    /** the last stage recorded (null: none yet) */
    lastStage: text('last_stage', { enum: DECISION_STAGES }),
    /**
     * Set by the township when a matter was found implemented outside the procedure (未履行程序即实施):
     * the date it was implemented. Such a matter triggers the stars red line while stages before
     * implementation are missing.
     */
    irregularImplementedOn: text('irregular_implemented_on'),
    irregularNote: text('irregular_note'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('decision_matters_tenant_village_year').on(t.tenantId, t.villageId, t.year),
    index('decision_matters_tenant_year').on(t.tenantId, t.year),
    check('decision_matters_amount', sql`${t.amountFen} IS NULL OR (${t.amountFen} >= 0 AND ${t.amountFen} <= 100000000000)`),
    check('decision_matters_year', sql`${t.year} BETWEEN 2000 AND 2100`),
  ],
);

/** One recorded stage of a matter: date, attendance and votes where it is a meeting, minutes, public text. */
export const decisionStages = sqliteTable(
  'decision_stages',
  {
    id: idColumn(),
    tenantId: tenantId(),
    matterId: text('matter_id')
      .notNull()
      .references(() => decisionMatters.id, { onDelete: 'cascade' }),
    stage: text('stage', { enum: DECISION_STAGES }).notNull(),
    /** 1, 2, … in the order recorded */
    seq: integer('seq').notNull(),
    /** Shanghai calendar date YYYY-MM-DD */
    heldOn: text('held_on').notNull(),
    /** for resolution: villager representatives' meeting or villagers' meeting */
    body: text('body', { enum: RESOLUTION_BODIES }),
    eligible: integer('eligible'),
    present: integer('present'),
    votesFor: integer('votes_for'),
    votesAgainst: integer('votes_against'),
    abstentions: integer('abstentions'),
    passed: integer('passed', { mode: 'boolean' }).notNull().default(true),
    minutes: text('minutes').notNull().default(''),
    /** what was made public (public stages), shown on the village page */
    publicText: text('public_text'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('decision_stages_tenant_matter').on(t.tenantId, t.matterId),
    uniqueIndex('decision_stages_seq').on(t.matterId, t.seq),
    uniqueIndex('decision_stages_once').on(t.matterId, t.stage).where(sql`stage <> 'review_during'`),
    check(
      'decision_stages_votes',
      sql`(${t.present} IS NULL OR (${t.present} >= 0 AND ${t.eligible} IS NOT NULL AND ${t.present} <= ${t.eligible}))
        AND (${t.votesFor} IS NULL OR ${t.votesFor} + coalesce(${t.votesAgainst}, 0) + coalesce(${t.abstentions}, 0) <= ${t.present})`,
    ),
  ],
);
