import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, idColumn, updatedAt } from './columns';
import { ROLES, SESSION_STAGES } from '../../domain/vocabulary';
export { ROLES, SESSION_STAGES, type Role, type SessionStage } from '../../domain/vocabulary';

/** Registry of the organisation above the tenants: city → county → township (tenant). */
export const cities = sqliteTable('cities', {
  id: idColumn(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const counties = sqliteTable(
  'counties',
  {
    id: idColumn(),
    cityId: text('city_id').notNull().references(() => cities.id),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('counties_city_name').on(t.cityId, t.name)],
);

export const TENANT_STATUSES = ['active', 'importing'] as const;

export const tenants = sqliteTable(
  'tenants',
  {
    id: idColumn(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    countyId: text('county_id').notNull().references(() => counties.id),
    /** JSON validated by tenancy/settings.ts */
    settings: text('settings').notNull().default('{}'),
    /**
     * 'importing' while a tenant import stages its rows (features/transfer): such a tenant resolves for no
     * request, job or county view until the import switches it to 'active' in one write.
     */
    status: text('status', { enum: TENANT_STATUSES }).notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('tenants_county').on(t.countyId)],
);

export const tenantHostnames = sqliteTable(
  'tenant_hostnames',
  {
    hostname: text('hostname').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  },
  (t) => [index('tenant_hostnames_tenant').on(t.tenantId)],
);

export const accounts = sqliteTable('accounts', {
  id: idColumn(),
  phone: text('phone').notNull().unique(),
  name: text('name').notNull(),
  /** pbkdf2-sha256$<iterations>$<salt>$<hash>, see auth/passwords.ts */
  passwordHash: text('password_hash').notNull(),
  locale: text('locale').notNull().default('zh-CN'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});


/** What an account may do where: one row per role it holds, with that role's scope. */
export const roleGrants = sqliteTable(
  'role_grants',
  {
    id: idColumn(),
    accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    countyId: text('county_id').references(() => counties.id),
    cityId: text('city_id').references(() => cities.id),
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    villageId: text('village_id'),
    memberId: text('member_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('role_grants_account').on(t.accountId),
    index('role_grants_tenant').on(t.tenantId),
    check(
      'role_grants_scope',
      sql`(${t.role} = 'platform_admin')
        OR (${t.role} = 'county_viewer' AND ${t.countyId} IS NOT NULL)
        OR (${t.role} = 'county_organiser' AND ${t.countyId} IS NOT NULL)
        OR (${t.role} = 'city_organiser' AND ${t.cityId} IS NOT NULL)
        OR (${t.role} = 'township_admin' AND ${t.tenantId} IS NOT NULL)
        OR (${t.role} = 'village_secretary' AND ${t.tenantId} IS NOT NULL AND ${t.villageId} IS NOT NULL)
        OR (${t.role} = 'party_member' AND ${t.tenantId} IS NOT NULL AND ${t.memberId} IS NOT NULL)`,
    ),
  ],
);

/**
 * What a session row stands for: a signed-in session, or a login half done (the password was right, the
 * second factor is still to come, or an admin must first enrol one); see auth/sessions.ts.
 */

/** Login sessions; the id is the SHA-256 of the cookie token, so a leaked table opens no session. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: text('expires_at').notNull(),
    /** the last request seen on it (written at most once a minute), for the idle timeout; NULL: never since created */
    lastSeenAt: text('last_seen_at'),
    stage: text('stage', { enum: SESSION_STAGES }).notNull().default('active'),
  },
  (t) => [index('sessions_account').on(t.accountId)],
);

/**
 * An account's TOTP second factor (RFC 6238). The secret is sealed with a key derived from APP_SECRET
 * (auth/secret-box.ts); `confirmedAt` is NULL while enrolment waits for its first code. `lastStep` is the
 * time step of the last accepted code, so a code is never accepted twice.
 */
export const totpFactors = sqliteTable('totp_factors', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  confirmedAt: text('confirmed_at'),
  lastStep: integer('last_step').notNull().default(0),
  createdAt: createdAt(),
});

/** One-time recovery codes of a second factor, as SHA-256 hashes; `usedAt` set once spent. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: text('used_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.codeHash] })],
);

/** Settings of the whole platform (one row, id 'platform'): JSON validated by tenancy/platform-settings.ts. */
export const platformSettings = sqliteTable('platform_settings', {
  id: text('id').primaryKey(),
  settings: text('settings').notNull().default('{}'),
  updatedAt: updatedAt(),
});

/** Failed-attempt counters per key within a sliding window: logins ("account:<phone>", "ip:<addr>") and a session's typed code ("typed-code:…"); see auth/throttle.ts. */
export const loginFailures = sqliteTable('login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: text('window_start').notNull(),
  lockedUntil: text('locked_until'),
  /** attempts taken and not yet settled (their checks still running): counted against the free tries */
  inFlight: integer('in_flight').notNull().default(0),
});

/**
 * Where a county's tenant-owned rows live (docs/scaling.md): the shard's name, as configured (SHARDS in Node,
 * SHARD_<NAME> bindings on Workers). A county without a row is on the registry's own database, shard `main`.
 * `frozenAt` is set while the county moves (`npm run shard:move`): every write to it answers 503 until the map
 * switches; `version` grows with every switch, so a cached placement older than a freeze is recognisable.
 */
export const countyPlacements = sqliteTable('county_placements', {
  countyId: text('county_id')
    .primaryKey()
    .references(() => counties.id),
  shard: text('shard').notNull(),
  version: integer('version').notNull().default(1),
  frozenAt: text('frozen_at'),
  updatedAt: updatedAt(),
});

/**
 * A county's quotas (`{ "5": 10, "4": 30 }`, whole percentages per level), set by its organisation
 * department: a ceiling on every township's own quotas (features/rating/rules.ts effectiveQuotas). In the
 * registry, beside the county, as a township's own quotas are in its settings.
 */
export const countyRatingQuotas = sqliteTable('county_rating_quotas', {
  countyId: text('county_id')
    .primaryKey()
    .references(() => counties.id),
  /** JSON: Quotas */
  quotas: text('quotas').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: updatedAt(),
});

/**
 * The one import of a township that may stage or remove its rows (features/transfer/import.ts): taken before
 * anything is written, renewed while rows load, given up when the township switches to active or its staged
 * rows are removed. Another import of the same township is refused while the lease is fresh, and takes it over
 * once it has lapsed (the first was cut off). `township_id`, not `tenant_id`: the registry's bookkeeping, never exported.
 */
export const townshipImportLeases = sqliteTable('township_import_leases', {
  townshipId: text('township_id').primaryKey(),
  token: text('token').notNull(),
  renewedAt: text('renewed_at').notNull(),
});
