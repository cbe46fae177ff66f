import { and, asc, eq, getTableColumns, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { insertMany, insertStatements, paramChunks } from '../../db/batch';
import { sealChain } from '../../audit/chain';
import { systemRecorder, type AuditEntry } from '../../audit/record';
import { accounts, auditArchives, auditEvents, cities, counties, countyPlacements, PLATFORM_CHAIN, roleGrants, shardTownships, tenants } from '../../db/schema';
import type { Db } from '../../db/client';
import { MAIN_SHARD, type Databases } from '../../db/databases';
import { MAINTENANCE_RETRY_SECONDS, readPlacement } from '../../tenancy/placement';
import { hostnameSchema } from '../../tenancy/registry-routes';
import { deleteTenantRows, tenantTablesParentsFirst } from '../../db/tenant-tables';
import type { Secrets } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { decryptStream, isEncrypted, PassphraseError } from '../../platform/passphrase-stream';
import { createHash } from 'node:crypto';
import { readZip, ZipError } from '../../platform/zip-stream';
import { PART_BYTES, partName } from './export';
import { sniffImage } from '../../platform/image';
import { IMAGE_TYPES, type ImageType } from '../../domain/vocabulary';
import { photoKey, photoPrefix, type PhotoStore } from '../../platform/photo-store';
import { sha256Hex } from '../../platform/crypto';
import { takeImportLease, type ImportLease } from './lease';
import { entries, FORMAT, PHOTO_ENTRY_PREFIX, READABLE_FORMAT_VERSIONS, sameSecret, schemaVersion, TOWNSHIP_ROLES, type Entry, type Header, type Manifest } from './format';

/**
 * The largest ZIP entry an import inflates: a part is cut once about PART_BYTES are ready, after a page of at
 * most PAGE_ROWS rows, so a faithful part stays well below this; a crafted entry (a decompression bomb, one
 * huge part) is refused before it is inflated, within a Worker's 128 MB.
 */
export const MAX_PART_BYTES = 8 * PART_BYTES;
/** The longest row line an import takes (D1 holds no row above 2 MB; the app writes none near this). */
export const MAX_ROW_CHARS = 1024 * 1024;

type Value = string | number | null;
const encoder = new TextEncoder();
type Row = Record<string, Value>;

/**
 * The password hash an imported account gets: not a hash at all, so no password opens it until the
 * platform admin sets one (platform → accounts → reset password). The file never carries password hashes.
 */
export const IMPORTED_PASSWORD_HASH = 'imported$password-reset-required';
/** A member PIN kept under another server's secret can never be checked here: the township re-issues it. */
export const PIN_REISSUE_REQUIRED = 'reissue-required';

export interface ImportReport {
  tenant: { id: string; slug: string; name: string };
  /** rows loaded, by table */
  tables: Record<string, number>;
  accounts: { created: number; merged: string[] };
  /** `hostnames`: the township's own host names the file brought (each now resolves to it: check them) */
  registry: { countyId: string; createdCity: boolean; createdCounty: boolean; hostnames: string[] };
  /** an earlier import of this township was cut off and left staged rows: they were removed first */
  replacedStaleImport: boolean;
  /** what the writer's APP_SECRET keyed and this instance cannot check: re-issued or to re-issue */
  secret: { same: boolean; memberPinsToReissue: number; sessionsEnded: number; displayLinksChanged: number };
  /** meeting photos: files stored here, and rows that came without one (a format-1 file, or a file its writer's store had lost) */
  photos: { stored: number; missing: number };
}

/**
 * What an id the file brings must look like where it becomes part of a store key (the township's, a meeting's,
 * a photo's): the app's ids (platform/ids.ts) are lower-case base32; upper case would name another township's
 * files on a case-insensitive disk.
 */
const PLAIN_ID = /^[0-9a-z_-]{1,64}$/;

/** A file refused for what it holds (422: the request was understood, the file is not acceptable). */
function refused(
  code:
    | 'transfer.not_an_export'
    | 'transfer.format_version'
    | 'transfer.schema_mismatch'
    | 'transfer.checksum_mismatch'
    | 'transfer.incomplete'
    | 'transfer.bad_row'
    | 'transfer.audit_chain_mismatch'
    | 'transfer.no_photo_store',
  params: Record<string, string | number> = {},
) {
  return new AppError(422, code, params);
}

/** The row keyed by the table's property names, as drizzle's insert takes it. */
function keyed(table: SQLiteTable, row: Row): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) if (column.name in row) out[key] = row[column.name];
  return out;
}

/** Inserts rows through drizzle's builder (D1's batch takes no raw statements with parameters), within D1's limits. */
const insertRows = (db: Db, table: SQLiteTable, rows: Row[]) => insertMany(db, table, rows.map((row) => keyed(table, row)) as never[]);

/** The INSERT statements of rows keyed by SQL column name, for a caller's batch. */
export const insertRowStatements = (db: Db, table: SQLiteTable, rows: Row[]) => insertStatements(db, table, rows.map((row) => keyed(table, row)) as never[]);

/**
 * Removes what an import staged for a tenant that is still 'importing', under the import lease on it (lease.ts):
 * its rows in its county's shard children first, then in the registry its grants, the tenant, and the accounts,
 * county and city the import created that nothing else uses. Two databases, so two batches: the shard's first, so
 * that a failure between them leaves the township 'importing' (invisible) and this clean-up still to do. Nothing
 * is removed once another import has taken the lease over: the rows are its own. The caller gives the lease up.
 */
async function removeStagedImport(
  databases: Databases,
  lease: ImportLease,
  created: { accounts: string[]; countyId?: string; cityId?: string } = { accounts: [] },
  photoStore?: PhotoStore,
) {
  const db = databases.registry;
  const tenantId = lease.townshipId;
  const [staged] = await db
    .select({ id: tenants.id, countyId: tenants.countyId })
    .from(tenants)
    .where(and(eq(tenants.id, tenantId), eq(tenants.status, 'importing'), lease.held()));
  if (!staged) return;
  const shard = databases.shard((await readPlacement(db, staged.countyId)).shard);
  // the files of its photo rows go after the rows (a failure in between leaves files no row names, never the reverse)
  const photoFiles = await shard.all<{ key: string }>(sql`SELECT store_key AS key FROM org_meeting_photos WHERE tenant_id = ${tenantId}`);
  await shard.batch([
    ...deleteTenantRows(shard, [tenantId], 'shard'),
    // the triggers let these go only while the township is 'importing' or arriving (migrations 0008, 0014)
    shard.delete(auditArchives).where(eq(auditArchives.chain, tenantId)),
    shard.delete(shardTownships).where(eq(shardTownships.townshipId, tenantId)),
  ] as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  const statements: BatchItem<'sqlite'>[] = [
    ...deleteTenantRows(db, [tenantId], 'registry'),
    db.delete(tenants).where(and(eq(tenants.id, tenantId), eq(tenants.status, 'importing'), lease.held())),
  ];
  for (const ids of paramChunks(created.accounts))
    statements.push(
      db
        .delete(accounts)
        .where(and(inArray(accounts.id, ids), eq(accounts.passwordHash, IMPORTED_PASSWORD_HASH), sql`NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.account_id = ${accounts.id})`)),
    );
  if (created.countyId)
    statements.push(
      db.delete(countyPlacements).where(and(eq(countyPlacements.countyId, created.countyId), sql`NOT EXISTS (SELECT 1 FROM tenants t WHERE t.county_id = ${countyPlacements.countyId})`)),
      db.delete(counties).where(and(eq(counties.id, created.countyId), sql`NOT EXISTS (SELECT 1 FROM tenants t WHERE t.county_id = ${counties.id})`)),
    );
  if (created.cityId) statements.push(db.delete(cities).where(and(eq(cities.id, created.cityId), sql`NOT EXISTS (SELECT 1 FROM counties k WHERE k.city_id = ${cities.id})`)));
  // one batch: all of it goes, or none
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  // keys under the township's own prefix only: a row staged before imports checked keys may name any
  await photoStore?.delete(photoFiles.map((file) => file.key).filter((key) => key.startsWith(photoPrefix(tenantId))));
}

/** The source's bytes, decrypted when they are an encrypted file (which then needs the passphrase). */
async function plainBytes(source: ReadableStream<Uint8Array>, passphrase: string | undefined): Promise<ReadableStream<Uint8Array>> {
  const reader = source.getReader();
  const first: Uint8Array[] = [];
  let seen = 0;
  let ended = false;
  while (seen < 8) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    first.push(value);
    seen += value.length;
  }
  const head = new Uint8Array(seen);
  first.reduce((at, part) => (head.set(part, at), at + part.length), 0);
  const whole = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length) controller.enqueue(head);
      if (ended) controller.close();
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  if (!isEncrypted(head)) return whole;
  if (!passphrase) throw new AppError(422, 'transfer.passphrase_required');
  return whole.pipeThrough(decryptStream(passphrase));
}

function utf8(entry: Entry, data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'not UTF-8' });
  }
}

/** Parses a table part into rows, checking each against the table's columns. */
function parseRows(entry: Entry, text: string, lineBase: number): Row[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw refused('transfer.bad_row', { table: entry.name, line: lineBase + lines.length, reason: 'no final newline' });
  lines.pop();
  return lines.map((line, i) => {
    const where = { table: entry.name, line: lineBase + i + 1 };
    if (line.length > MAX_ROW_CHARS) throw refused('transfer.bad_row', { ...where, reason: 'a row too long' });
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw refused('transfer.bad_row', { ...where, reason: 'not JSON' });
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw refused('transfer.bad_row', { ...where, reason: 'not an object' });
    const keys = Object.keys(row);
    if (keys.length !== entry.columns.length || !entry.columns.every((column) => column in row!))
      throw refused('transfer.bad_row', { ...where, reason: 'columns differ from the table' });
    for (const value of Object.values(row))
      if (!(value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))))
        throw refused('transfer.bad_row', { ...where, reason: 'a value is not text, a number or null' });
    return row as Row;
  });
}

export interface ImportOptions {
  passphrase?: string;
  secrets: Secrets;
  /** records the import in the platform's chain (registry) and the township's (its shard): the request's actor, or by default 'system' */
  recordIn?: (db: Db, entry: AuditEntry) => BatchItem<'sqlite'>;
  /** where a county the file brings and this registry lacks is placed (NEW_COUNTY_SHARD; `main` by default) */
  newCountyShard?: string;
  /** where the meeting photos' files go (a file carrying photos is refused without one) */
  photoStore?: PhotoStore;
}

/**
 * Loads a tenant export into this database, all or nothing: the tenant is written first with status
 * 'importing' (so no request, job or county view sees it), then every table in file order, in batches;
 * once the manifest's counts and checksums match what was read, one UPDATE switches it to 'active'. Any
 * failure removes what was staged. Ids are kept; accounts are matched by phone (docs/tenant-export.md).
 * The township's audit chain comes unsealed and is sealed again here: the file is refused unless that
 * gives back the very hashes it carries (docs/audit.md).
 */
export async function importTenant(databases: Databases, source: ReadableStream<Uint8Array>, options: ImportOptions): Promise<ImportReport> {
  const db = databases.registry;
  /** the shard of the township's county: known once the file's county is (it comes before any shard table) */
  let shard: Db | undefined;
  const dbOf = (entry: Entry) => {
    if (entry.home === 'registry') return db;
    if (!shard) throw refused('transfer.incomplete');
    return shard;
  };
  let zip: AsyncGenerator<{ name: string; data: Uint8Array }>;
  try {
    zip = readZip(await plainBytes(source, options.passphrase), MAX_PART_BYTES);
  } catch (error) {
    throw mapped(error);
  }
  const next = async () => {
    try {
      const { value, done } = await zip.next();
      if (done) throw refused('transfer.incomplete');
      return value;
    } catch (error) {
      throw mapped(error);
    }
  };

  const first = await next();
  if (first.name !== 'format.json') throw refused('transfer.not_an_export');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(first.data));
  } catch {
    throw refused('transfer.not_an_export');
  }
  if (header?.format !== FORMAT || typeof header.tenant?.id !== 'string') throw refused('transfer.not_an_export');
  if (!READABLE_FORMAT_VERSIONS.includes(header.formatVersion)) throw refused('transfer.format_version', { version: String(header.formatVersion) });
  if (header.schemaVersion !== schemaVersion()) throw refused('transfer.schema_mismatch', { file: String(header.schemaVersion), here: schemaVersion() });
  const order = entries();
  if (JSON.stringify(header.entries) !== JSON.stringify(order.map((e) => e.name))) throw refused('transfer.schema_mismatch', { file: header.schemaVersion, here: schemaVersion() });

  const tenantId = header.tenant.id;
  if (!PLAIN_ID.test(tenantId)) throw refused('transfer.bad_row', { table: 'tenants', line: 1, reason: 'not an id' });
  // the township's lease first (409 while another import of it runs), then the leases of what is staged under its
  // slug, each lapsed: those imports were cut off, and what they staged goes
  const lease = await takeImportLease(db, tenantId);
  let present: { id: string; status: string }[];
  let same: boolean;
  try {
    present = await db.all<{ id: string; status: string }>(sql`SELECT id, status FROM tenants WHERE id = ${tenantId} OR slug = ${header.tenant.slug}`);
    if (present.some((t) => t.status !== 'importing')) throw new AppError(409, 'transfer.tenant_exists', { slug: header.tenant.slug });
    for (const stale of present) {
      const staleLease = stale.id === tenantId ? lease : await takeImportLease(db, stale.id);
      try {
        await removeStagedImport(databases, staleLease, undefined, options.photoStore);
      } finally {
        if (staleLease !== lease) await db.batch([staleLease.release()]);
      }
    }
    same = await sameSecret(options.secrets, header.secretFingerprint);
  } catch (error) {
    await releaseOrLog(db, lease);
    throw error;
  }
  const report: ImportReport = {
    tenant: header.tenant,
    tables: {},
    accounts: { created: 0, merged: [] },
    registry: { countyId: '', createdCity: false, createdCounty: false, hostnames: [] },
    replacedStaleImport: present.length > 0,
    secret: { same, memberPinsToReissue: 0, sessionsEnded: 0, displayLinksChanged: 0 },
    photos: { stored: 0, missing: 0 },
  };
  const created = { accounts: [] as string[], countyId: undefined as string | undefined, cityId: undefined as string | undefined, photoKeys: [] as string[] };
  /** the photo rows read, by id: what each photo file must match, and whether it came */
  const photoRows = new Map<string, { key: string; sha256: string; bytes: number; contentType: string; stored: boolean }>();
  const accountIds = new Map<string, string>();
  let cityId = '';
  const read: Record<string, { rows: number; bytes: number; sha256: string }> = {};
  const chain = { digest: createHash('sha256'), sealedThrough: 0, unsealedSeqs: new Set<number>() };

  try {
    let pending: { name: string; data: Uint8Array } | undefined;
    for (const entry of order) {
      const hash = createHash('sha256');
      let rows = 0;
      let bytes = 0;
      for (let part = 0; ; part++) {
        const file = pending ?? (await next());
        pending = undefined;
        if (file.name !== partName(entry.name, part)) {
          if (part === 0) throw refused('transfer.incomplete');
          pending = file;
          break;
        }
        hash.update(file.data);
        bytes += file.data.length;
        const parsed = parseRows(entry, utf8(entry, file.data), rows);
        rows += parsed.length;
        await load(entry, parsed);
      }
      read[entry.name] = { rows, bytes, sha256: hash.digest('hex') };
      report.tables[entry.name] = rows;
    }
    let last = pending ?? (await next());
    for (; last.name.startsWith(PHOTO_ENTRY_PREFIX); last = await next()) await storePhoto(last.name.slice(PHOTO_ENTRY_PREFIX.length), last.data);
    if (last.name !== 'manifest.json') throw refused('transfer.incomplete');
    let manifest: Manifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(last.data));
    } catch {
      throw refused('transfer.incomplete');
    }
    if (manifest.tenant?.id !== tenantId || manifest.schemaVersion !== header.schemaVersion || manifest.secretFingerprint !== header.secretFingerprint)
      throw refused('transfer.checksum_mismatch', { table: 'manifest.json' });
    for (const entry of order) {
      const expected = manifest.tables?.[entry.name];
      const actual = read[entry.name];
      if (!expected || expected.rows !== actual.rows || expected.sha256 !== actual.sha256) throw refused('transfer.checksum_mismatch', { table: entry.name });
    }
    report.photos.missing = photoRows.size - report.photos.stored;
    // a format-2 file names what it carried; a format-1 file carried no photo file at all
    const carried = header.formatVersion >= 2 ? manifest.photos : { files: 0, missing: photoRows.size };
    if (carried?.files !== report.photos.stored || carried.missing !== report.photos.missing) throw refused('transfer.checksum_mismatch', { table: 'photos' });
    if (!report.registry.countyId || !shard) throw refused('transfer.incomplete');
    const townshipShard = shard;
    await storedAsRead(db, townshipShard, tenantId, report.tables);
    await referencesStayInside(db, townshipShard, tenantId);
    await resealedAsInFile(townshipShard);
    // the one write that makes the township exist, recorded in the platform's chain and the township's own
    const record = (into: Db, entry: AuditEntry) => (options.recordIn ? options.recordIn(into, entry) : systemRecorder(into, entry.tenantId ?? null)(entry));
    const entry = {
      action: 'tenant.import',
      entity: 'tenant',
      entityId: tenantId,
      summary: { slug: header.tenant.slug, rows: Object.values(report.tables).reduce((sum, n) => sum + n, 0), accountsCreated: report.accounts.created, accountsMerged: report.accounts.merged.length, sameSecret: same },
      onlyIfChanged: true,
    };
    // the county may have begun to move since its placement was read: then the rows are in a shard it is leaving
    const placed = await readPlacement(db, report.registry.countyId);
    if (placed.frozen || databases.shard(placed.shard) !== townshipShard) throw new AppError(503, 'error.maintenance', { seconds: MAINTENANCE_RETRY_SECONDS });
    // the township's own row first, in its shard (a failed switch below removes it with the staged rows)
    await townshipShard.batch([record(townshipShard, { ...entry, tenantId, onlyIfChanged: false })]);
    const [switched] = await db.batch([
      // updated_at as the file says (the column's onUpdate would stamp it): the township is as it was exported
      // only while the lease is this import's: one that lapsed may be another's now, which owns the rows
      db.update(tenants).set({ status: 'active', updatedAt: sql`updated_at` }).where(and(eq(tenants.id, tenantId), eq(tenants.status, 'importing'), lease.held())).returning({ id: tenants.id }),
      record(db, { ...entry, tenantId: null }),
      lease.release(),
    ]);
    if (!switched.length) throw refused('transfer.incomplete');
    // arrived: its trail is append-only again
    await townshipShard.delete(shardTownships).where(eq(shardTownships.townshipId, tenantId));
    await sealChain(townshipShard, tenantId);
    await sealChain(db, PLATFORM_CHAIN);
    if (!same) {
      const [{ n }] = await townshipShard.all<{ n: number }>(sql`SELECT count(*) AS n FROM evaluation_screens WHERE tenant_id = ${tenantId}`);
      report.secret.displayLinksChanged = Number(n);
    }
    return report;
  } catch (error) {
    try {
      await removeStagedImport(databases, lease, created, options.photoStore);
    } finally {
      // given up even if the clean-up failed: the next import then finds the rows staged, their lease free, and removes them
      await releaseOrLog(db, lease);
      // the files this import stored, unless the township is there again (another import of it, which owns them now)
      const again = await db.all(sql`SELECT 1 FROM tenants WHERE id = ${tenantId}`).catch(() => [1]);
      if (!again.length) await options.photoStore?.delete(created.photoKeys).catch((cause) => console.error(`import of ${tenantId}: photo files left in the store`, created.photoKeys, cause));
    }
    throw mapped(error);
  }

  /** A photo's file, stored under its row's key once its bytes are what the row says (the rows come first). */
  async function storePhoto(id: string, data: Uint8Array) {
    await lease.keep();
    const row = photoRows.get(id);
    if (!row || row.stored) throw refused('transfer.bad_row', { table: 'org_meeting_photos', line: 0, reason: 'a photo file without its row' });
    if (data.length !== row.bytes || sniffImage(data) !== row.contentType || (await sha256Hex(data)) !== row.sha256)
      throw refused('transfer.checksum_mismatch', { table: 'photos' });
    if (!options.photoStore) throw refused('transfer.no_photo_store');
    created.photoKeys.push(row.key);
    await options.photoStore.put(row.key, data, row.contentType as ImageType);
    row.stored = true;
    report.photos.stored++;
  }

  async function load(entry: Entry, rows: Row[]) {
    if (!rows.length) return;
    await lease.keep();
    switch (entry.name) {
      case 'cities':
        return loadCity(rows);
      case 'counties':
        return loadCounty(rows);
      case 'tenants':
        return loadTenant(rows);
      case 'accounts':
        return loadAccounts(entry, rows);
      case 'audit_archives':
        if (rows.some((row) => row.chain !== tenantId)) throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'a chain of another township' });
    }
    for (const row of rows) {
      if (row.tenant_id !== tenantId && entry.name !== 'audit_archives') throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'a row of another township' });
      if (entry.name === 'audit_events') unsealed(row);
      // a host name resolves requests to this township before their path: only a real one, said in the report
      if (entry.name === 'tenant_hostnames') {
        const host = hostnameSchema.safeParse(row.hostname);
        if (!host.success || host.data !== row.hostname) throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'not a host name' });
        report.registry.hostnames.push(host.data);
      }
      if (entry.name === 'org_meeting_photos') photoRow(row);
      // a meeting's id is part of its photos' keys, those uploaded later too
      if (entry.name === 'org_meetings' && !PLAIN_ID.test(String(row.id))) throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'not an id' });
      if (entry.name === 'role_grants') {
        if (!TOWNSHIP_ROLES.includes(String(row.role)) || row.county_id !== null) throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'not a township role' });
        const accountId = accountIds.get(String(row.account_id));
        if (!accountId) throw refused('transfer.bad_row', { table: entry.name, line: 0, reason: 'a grant of an account not in the file' });
        row.account_id = accountId;
      }
      if (!same && entry.name === 'evaluation_member_credentials') {
        row.pin_hash = PIN_REISSUE_REQUIRED;
        row.failed_attempts = 0;
        row.locked_until = null;
        report.secret.memberPinsToReissue++;
      }
      // a voter's hash under another secret would not match the poll book: a phone could vote twice, so the session ends for phones
      if (!same && entry.name === 'evaluation_sessions' && row.salt !== null) {
        row.salt = null;
        report.secret.sessionsEnded++;
      }
    }
    try {
      await insertRows(dbOf(entry), entry.table, rows);
    } catch (error) {
      throw new AppError(409, 'transfer.insert_failed', { table: entry.name }, undefined, { cause: error });
    }
  }

  /**
   * A photo row names its file's key, type and checksum. The key must be the one this township's upload would
   * give it, of plain ids, and the type an image one: a crafted row could otherwise read another township's photo
   * (or, in Node, any file) through this one's pages, delete it with its meeting, or have a page served as HTML
   * from the app's origin.
   */
  function photoRow(row: Row) {
    const where = { table: 'org_meeting_photos', line: 0 };
    // ids become a path in Node's photo directory: nothing but an id's characters (no "..", no separator)
    if (![tenantId, row.meeting_id, row.id].every((id) => typeof id === 'string' && PLAIN_ID.test(id))) throw refused('transfer.bad_row', { ...where, reason: 'not an id' });
    const key = photoKey(tenantId, String(row.meeting_id), String(row.id));
    if (row.store_key !== key) throw refused('transfer.bad_row', { ...where, reason: 'a photo key outside the township' });
    if (!(IMAGE_TYPES as readonly string[]).includes(String(row.content_type))) throw refused('transfer.bad_row', { ...where, reason: 'not an image type' });
    photoRows.set(String(row.id), { key, sha256: String(row.sha256), bytes: Number(row.bytes), contentType: String(row.content_type), stored: false });
  }

  /** An audit row goes in unsealed (the insert trigger takes no other); its hashes are remembered as a digest, for resealedAsInFile. */
  function unsealed(row: Row) {
    if (row.chain !== tenantId) throw refused('transfer.bad_row', { table: 'audit_events', line: 0, reason: 'a chain of another township' });
    if (row.hash !== null) {
      chain.digest.update(encoder.encode(`${JSON.stringify([row.seq, row.prev_hash, row.hash])}\n`));
      chain.sealedThrough = Number(row.seq);
      // a row read unsealed, and a later one sealed by the time its page was read (a request's seal racing the export)
    } else chain.unsealedSeqs.add(Number(row.seq));
    row.prev_hash = null;
    row.hash = null;
  }

  /**
   * Seals the township's chain as loaded and compares it with the file's: hashes are deterministic, so a
   * faithful file gives back every hash it carries; a row edited, removed or reordered is refused. Rows the
   * file carried unsealed are simply sealed. (Hashes recomputed to fit need no key: only the anchors copied
   * along tell those, when verify runs.)
   */
  async function resealedAsInFile(shard: Db) {
    await sealChain(shard, tenantId);
    const digest = createHash('sha256');
    for (let after = 0; ; ) {
      const page = await shard
        .select({ seq: auditEvents.seq, prevHash: auditEvents.prevHash, hash: auditEvents.hash })
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, tenantId), gt(auditEvents.seq, after), lte(auditEvents.seq, chain.sealedThrough)))
        .orderBy(asc(auditEvents.seq))
        .limit(1000);
      for (const row of page) if (!chain.unsealedSeqs.has(row.seq)) digest.update(encoder.encode(`${JSON.stringify([row.seq, row.prevHash, row.hash])}\n`));
      if (page.length < 1000) break;
      after = page[page.length - 1].seq;
    }
    if (digest.digest('hex') !== chain.digest.digest('hex')) throw refused('transfer.audit_chain_mismatch');
  }

  async function loadCity([row]: Row[]) {
    const [byId] = await db.all<{ id: string }>(sql`SELECT id FROM cities WHERE id = ${row.id}`);
    const [byName] = byId ? [] : await db.all<{ id: string }>(sql`SELECT id FROM cities WHERE name = ${row.name}`);
    cityId = byId?.id ?? byName?.id ?? String(row.id);
    if (!byId && !byName) {
      await insertRows(db, cities, [row]);
      created.cityId = cityId;
      report.registry.createdCity = true;
    }
  }

  async function loadCounty([row]: Row[]) {
    const [byId] = await db.all<{ id: string }>(sql`SELECT id FROM counties WHERE id = ${row.id}`);
    const [byName] = byId ? [] : await db.all<{ id: string }>(sql`SELECT id FROM counties WHERE city_id = ${cityId} AND name = ${row.name}`);
    report.registry.countyId = byId?.id ?? byName?.id ?? String(row.id);
    if (!byId && !byName) {
      // a county new to this registry goes where new counties go, as one created here would
      const placeOn = options.newCountyShard ?? MAIN_SHARD;
      shard = databases.shard(placeOn);
      await insertRows(db, counties, [{ ...row, city_id: cityId }]);
      created.countyId = report.registry.countyId;
      if (placeOn !== MAIN_SHARD) await db.insert(countyPlacements).values({ countyId: report.registry.countyId, shard: placeOn });
      report.registry.createdCounty = true;
    } else {
      const placement = await readPlacement(db, report.registry.countyId);
      if (placement.frozen) throw new AppError(503, 'error.maintenance', { seconds: MAINTENANCE_RETRY_SECONDS });
      shard = databases.shard(placement.shard);
    }
  }

  async function loadTenant([row]: Row[]) {
    if (row.id !== tenantId || row.slug !== header.tenant.slug) throw refused('transfer.bad_row', { table: 'tenants', line: 1, reason: 'not the township of format.json' });
    try {
      await insertRows(db, tenants, [{ ...row, county_id: report.registry.countyId, status: 'importing' }]);
      // the shard receives it: its trail may be removed again until the import is through (refused if the shard holds one already)
      await shard!.insert(shardTownships).values({ townshipId: tenantId, state: 'arriving' });
    } catch (error) {
      throw new AppError(409, 'transfer.tenant_exists', { slug: header.tenant.slug }, undefined, { cause: error });
    }
  }

  /** A phone this instance knows keeps its account (and its password): the township's grants are added to it. */
  async function loadAccounts(entry: Entry, rows: Row[]) {
    const fresh: Row[] = [];
    for (let i = 0; i < rows.length; i += 90) {
      const slice = rows.slice(i, i + 90);
      const phones = sql.join(slice.map((r) => sql`${r.phone}`), sql`, `);
      const ids = sql.join(slice.map((r) => sql`${r.id}`), sql`, `);
      const known = await db.all<{ id: string; phone: string }>(sql`SELECT id, phone FROM accounts WHERE phone IN (${phones}) OR id IN (${ids})`);
      for (const row of slice) {
        const byPhone = known.find((k) => k.phone === row.phone);
        if (byPhone) {
          accountIds.set(String(row.id), byPhone.id);
          report.accounts.merged.push(String(row.phone));
        } else if (known.some((k) => k.id === row.id)) {
          throw new AppError(409, 'transfer.account_conflict', { id: String(row.id) });
        } else {
          accountIds.set(String(row.id), String(row.id));
          fresh.push(row);
        }
      }
    }
    if (!fresh.length) return;
    created.accounts.push(...fresh.map((r) => String(r.id)));
    try {
      await insertRows(db, entry.table, fresh.map((r) => ({ ...r, password_hash: IMPORTED_PASSWORD_HASH })));
    } catch (error) {
      // a crafted file's own duplicates (one phone or id twice) or a missing phone: refused as the other tables' rows are
      throw new AppError(409, 'transfer.insert_failed', { table: entry.name }, undefined, { cause: error });
    }
    report.accounts.created += fresh.length;
  }
}

/**
 * Refuses a file whose rows point at another township's rows. Ids are kept, so a foreign key alone would let a
 * crafted file hang its rows on any village, session or problem of the database (a member in another
 * township's village, a ballot in its session); and a grant's village and member are no foreign keys at all.
 * One query per reference, over the staged township's rows.
 */
async function referencesStayInside(registry: Db, shard: Db, tenantId: string) {
  const tables = tenantTablesParentsFirst().filter((table) => table.home === 'shard');
  const checks: { table: string; column: string; query: SQL }[] = [];
  for (const child of tables)
    for (const fk of getTableConfig(child.table).foreignKeys) {
      const { columns, foreignColumns, foreignTable } = fk.reference();
      const parent = tables.find((t) => t.table === foreignTable);
      if (!parent || columns.length !== 1) continue;
      const [column, key] = [columns[0].name, foreignColumns[0].name];
      checks.push({
        table: child.name,
        column,
        query: sql`SELECT 1 AS n FROM ${sql.identifier(child.name)} x JOIN ${sql.identifier(parent.name)} p ON p.${sql.identifier(key)} = x.${sql.identifier(column)}
          WHERE x.tenant_id = ${tenantId} AND p.tenant_id IS NOT ${tenantId} LIMIT 1`,
      });
    }
  for (const check of checks)
    if ((await shard.all(check.query)).length) throw refused('transfer.bad_row', { table: check.table, line: 0, reason: `${check.column} names a row of another township` });
  // a grant (registry) names its village or member (shard): each must be the township's own
  const grants = await registry.select({ villageId: roleGrants.villageId, memberId: roleGrants.memberId }).from(roleGrants).where(eq(roleGrants.tenantId, tenantId));
  for (const [column, parent, ids] of [
    ['village_id', 'villages', grants.map((g) => g.villageId)],
    ['member_id', 'members', grants.map((g) => g.memberId)],
  ] as const) {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    for (const chunk of paramChunks(wanted)) {
      const found = await shard.all<{ id: string }>(
        sql`SELECT id FROM ${sql.identifier(parent)} WHERE tenant_id = ${tenantId} AND id IN (${sql.join(chunk.map((id) => sql`${id}`), sql`, `)})`,
      );
      if (found.length !== chunk.length) throw refused('transfer.bad_row', { table: 'role_grants', line: 0, reason: `${column} names a row of another township` });
    }
  }
}

/** Gives the lease up after a failure, whose error is what the caller throws: this one's only logged (the lease then lapses by itself). */
async function releaseOrLog(db: Db, lease: ImportLease) {
  await db.batch([lease.release()]).catch((cause) => console.error(`import of ${lease.townshipId}: its lease stays until it lapses`, cause));
}

/**
 * Refuses the import unless every table of the township holds exactly the rows read from the file: nothing staged
 * went missing or came in besides (the last check before the switch, whatever happened to the rows while they loaded).
 */
async function storedAsRead(registry: Db, shard: Db, tenantId: string, read: Record<string, number>) {
  for (const { name, table, home } of tenantTablesParentsFirst()) {
    if (!(name in read)) continue;
    const tenantColumn = (getTableColumns(table) as unknown as Record<string, SQLiteColumn>).tenantId;
    const [{ n }] = await (home === 'registry' ? registry : shard).select({ n: sql<number>`count(*)` }).from(table).where(eq(tenantColumn, tenantId));
    if (Number(n) !== read[name]) throw refused('transfer.checksum_mismatch', { table: name });
  }
}

function mapped(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof PassphraseError) return new AppError(422, 'transfer.wrong_passphrase', {}, undefined, { cause: error });
  if (error instanceof ZipError) return new AppError(422, 'transfer.not_an_export', {}, undefined, { cause: error });
  return error;
}
