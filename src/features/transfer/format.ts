import { getTableName, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { accounts, auditArchives, auditEvents, cities, counties, tenants } from '../../db/schema';
import { EXPECTED_MIGRATIONS } from '../../db/migration-status';
import { tenantTablesParentsFirst, type TableHome } from '../../db/tenant-tables';
import { verifyingKeys, type Secrets } from '../../platform/config';

/**
 * The tenant export file, format 2 (docs/tenant-export.md): a zip of `format.json` (what the file is),
 * one JSON Lines file per table (one row per line, a JSON object keyed by SQL column name), the meeting
 * photos' files (`photos/<id>`, format 2), and `manifest.json` last, with each table's row count and
 * SHA-256 and the photos' count. Entries come in the order of `entries()`: every table after the tables it
 * references, so an import inserts them as they come.
 */
export const FORMAT = 'xingping-tenant-export';
export const FORMAT_VERSION = 2;
/** What an import reads: format 1 is format 2 without the photos' files (its photo rows arrive without them). */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** The ZIP entry of a meeting photo's file (its bytes as stored; each checked against its row's SHA-256). */
export const photoEntryName = (photoId: string) => `photos/${photoId}`;
export const PHOTO_ENTRY_PREFIX = 'photos/';

/** Rows per keyset page of an export read: small enough for a Worker's memory, few enough round trips. */
export const PAGE_ROWS = 500;

/** The schema a file was written under: the last migration of the build that wrote it. */
export const schemaVersion = () => EXPECTED_MIGRATIONS[EXPECTED_MIGRATIONS.length - 1].tag;

/**
 * Tables with a tenant_id that the file does not carry, and why. Everything else with a tenant_id is
 * carried by default, so a new table cannot be forgotten (test/api/tenant-export.test.ts checks the
 * database's tables against this).
 */
export const NOT_CARRIED: Readonly<Record<string, string>> = {
  job_runs: 'the platform’s log of scheduled runs, one run spanning many townships; results are in the township’s own tables',
  job_run_tenants: 'the per-township lines of that log',
};

/** What `format.json` says. */
export interface Header {
  format: typeof FORMAT;
  formatVersion: number;
  schemaVersion: string;
  tenant: { id: string; slug: string; name: string };
  createdAt: string;
  /** HMAC-SHA256(APP_SECRET, "tenant-export|fingerprint"), base64url: tells an import whether its secret is the writer's, without revealing it */
  secretFingerprint: string;
  /** the table files, in order */
  entries: string[];
}

export interface TableSummary {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * The meeting photos of a format-2 file: `files` carried as `photos/<id>`, and `missing`, rows whose file the
 * store no longer held when the file was written (an import checks both against the rows it read).
 */
export interface PhotoSummary {
  files: number;
  missing: number;
}

/** What `manifest.json` says: the header again, every table file's count and checksum, and the photos' count. */
export interface Manifest extends Header {
  tables: Record<string, TableSummary>;
  photos?: PhotoSummary;
}

/** One table file of the export: which rows of which columns, read in primary-key order. */
export interface Entry {
  name: string;
  table: SQLiteTable;
  columns: string[];
  primaryKey: string[];
  /** the rows of the tenant */
  filter(tenantId: string): SQL;
  /** a tenant-owned table (every row carries the tenant's id) */
  owned: boolean;
  /** read from and written to the registry, or the shard of the township's county (docs/scaling.md) */
  home: TableHome;
}

const byId = (table: SQLiteTable, columns: string[], filter: (tenantId: string) => SQL): Entry => ({
  name: getTableName(table),
  table,
  columns,
  primaryKey: ['id'],
  filter,
  owned: false,
  home: 'registry',
});

/**
 * Accounts are global (a phone may work in several townships): the file carries the accounts holding a
 * grant in the township, without their password hashes (docs/tenant-export.md says what an import does).
 */
export const ACCOUNT_COLUMNS = ['id', 'phone', 'name', 'locale', 'disabled', 'created_at'];

/** The township's roles: an import accepts only these in role_grants (never a platform or county role). */
export const TOWNSHIP_ROLES = ['township_admin', 'village_secretary', 'party_member'];

let cachedEntries: Entry[] | undefined;

/** Every table file of the format, in file order. */
export function entries(): Entry[] {
  if (cachedEntries) return cachedEntries;
  const registry = [
    byId(cities, ['id', 'name', 'created_at'], (t) => sql`id = (SELECT c.city_id FROM counties c JOIN tenants t ON t.county_id = c.id WHERE t.id = ${t})`),
    byId(counties, ['id', 'city_id', 'name', 'created_at'], (t) => sql`id = (SELECT county_id FROM tenants WHERE id = ${t})`),
    byId(tenants, ['id', 'slug', 'name', 'county_id', 'settings', 'status', 'created_at', 'updated_at'], (t) => sql`id = ${t}`),
    byId(accounts, ACCOUNT_COLUMNS, (t) => sql`id IN (SELECT account_id FROM role_grants WHERE tenant_id = ${t})`),
    // the archived months of the township's audit chain (keyed by chain, not tenant_id): before its events,
    // whose seq the insert trigger continues after the last archived one (docs/audit.md)
    {
      name: getTableName(auditArchives),
      table: auditArchives,
      columns: getTableConfig(auditArchives).columns.map((column) => column.name),
      primaryKey: ['chain', 'month'],
      filter: (t) => sql`chain = ${t}`,
      owned: false,
      home: 'shard',
    } satisfies Entry,
  ];
  const owned = tenantTablesParentsFirst()
    .filter((table) => !(table.name in NOT_CARRIED))
    .map((table): Entry => {
      // the township's audit chain in seq order, the only order its insert trigger accepts (a township's rows are its own chain)
      if (table.table === auditEvents)
        return { ...table, primaryKey: ['chain', 'seq'], filter: (t) => sql`chain = ${t} AND tenant_id = ${t}`, owned: true };
      return {
        name: table.name,
        table: table.table,
        columns: table.columns,
        primaryKey: table.primaryKey,
        home: table.home,
        // a key that does not start with tenant_id is read through the primary key's index ("+" keeps the
        // tenant_id index out of it): each page then continues where the last stopped instead of sorting the tenant's rows again
        filter: (t) => (table.primaryKey[0] === 'tenant_id' ? sql`tenant_id = ${t}` : sql`+tenant_id = ${t}`),
        owned: true,
      };
    });
  return (cachedEntries = [...registry, ...owned]);
}

const b64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function fingerprintOf(secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return b64url(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('tenant-export|fingerprint')));
}

/** The fingerprint this instance writes into its exports. */
export const secretFingerprint = (secrets: Secrets) => fingerprintOf(secrets.current);

/** Whether a file was written under one of this instance's secrets (the current one, or the one before a rotation). */
export async function sameSecret(secrets: Secrets, fingerprint: string): Promise<boolean> {
  for (const key of verifyingKeys(secrets)) if ((await fingerprintOf(key)) === fingerprint) return true;
  return false;
}
