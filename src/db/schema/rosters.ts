import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { tenantId } from './tenant-column';
import { GENDERS } from '../../domain/vocabulary';


/** A village (村) and its party branch (村党支部). */
export const villages = sqliteTable(
  'villages',
  {
    id: idColumn(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    branchName: text('branch_name').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('villages_tenant_name').on(t.tenantId, t.name)],
);

export const members = sqliteTable(
  'members',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    name: text('name').notNull(),
    gender: text('gender', { enum: GENDERS }),
    phone: text('phone'),
    birthYear: integer('birth_year'),
    joinedYear: integer('joined_year'),
    isCommittee: integer('is_committee', { mode: 'boolean' }).notNull().default(false),
    isSecretary: integer('is_secretary', { mode: 'boolean' }).notNull().default(false),
    isReserveCadre: integer('is_reserve_cadre', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('members_tenant_village').on(t.tenantId, t.villageId),
    index('members_tenant_phone').on(t.tenantId, t.phone),
  ],
);

/** Care tags of the "四必访" households, stored as columns so coverage queries stay plain SQL. */
export const households = sqliteTable(
  'households',
  {
    id: idColumn(),
    tenantId: tenantId(),
    villageId: text('village_id')
      .notNull()
      .references(() => villages.id),
    headName: text('head_name').notNull(),
    address: text('address').notNull().default(''),
    phone: text('phone'),
    size: integer('size'),
    isHardship: integer('is_hardship', { mode: 'boolean' }).notNull().default(false),
    isCriticallyIll: integer('is_critically_ill', { mode: 'boolean' }).notNull().default(false),
    isEmptyNest: integer('is_empty_nest', { mode: 'boolean' }).notNull().default(false),
    isLeftBehind: integer('is_left_behind', { mode: 'boolean' }).notNull().default(false),
    isPetitioner: integer('is_petitioner', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('households_tenant_village').on(t.tenantId, t.villageId)],
);
