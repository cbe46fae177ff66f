import { sql } from 'drizzle-orm';
import { sealChain } from '../../audit/chain';
import type { Db } from '../../db/client';
import { encryptStream } from '../../platform/passphrase-stream';
import { createHash } from 'node:crypto';
import { ZipWriter } from '../../platform/zip-stream';
import { photoKey, type PhotoStore } from '../../platform/photo-store';
import { AppError } from '../../platform/errors';
import { entries, FORMAT, FORMAT_VERSION, PAGE_ROWS, photoEntryName, schemaVersion, type Entry, type Header, type Manifest } from './format';

type Row = Record<string, unknown>;

/** Where a township's rows are: the registry, and the shard of its county (the same database when it is on `main`). */
export interface TownshipDatabases {
  registry: Db;
  shard: Db;
}
const encoder = new TextEncoder();
const list = (names: string[]) => sql.join(names.map((name) => sql.identifier(name)), sql`, `);

/** The query of one keyset page of an entry's rows, after `cursor` (the primary key of the last row read). */
function pageQuery(db: Db, entry: Entry, tenantId: string, cursor: unknown[] | undefined, limit = PAGE_ROWS) {
  const key = list(entry.primaryKey);
  // a key that starts with tenant_id (fixed by the filter) continues on the rest of it: SQLite then seeks the
  // index to the cursor instead of walking the tenant's rows from the start on every page
  const skip = entry.primaryKey[0] === 'tenant_id' ? 1 : 0;
  const rest = entry.primaryKey.slice(skip);
  const after =
    cursor && rest.length ? sql` AND (${list(rest)}) > (${sql.join(cursor.slice(skip).map((value) => sql`${value}`), sql`, `)})` : sql``;
  return db.all<Row>(sql`SELECT ${list(entry.columns)} FROM ${sql.identifier(entry.name)} WHERE ${entry.filter(tenantId)}${after} ORDER BY ${key} LIMIT ${limit}`);
}

/** A page's rows in column order, whatever the driver's row object looks like. */
const pageRows = (entry: Entry, rows: Row[]): Row[] => rows.map((row) => Object.fromEntries(entry.columns.map((column) => [column, row[column] ?? null])));

/** One keyset page of an entry's rows, after `cursor`. */
export async function readPage(db: Db, entry: Entry, tenantId: string, cursor: unknown[] | undefined, limit = PAGE_ROWS): Promise<Row[]> {
  return pageRows(entry, await pageQuery(db, entry, tenantId, cursor, limit));
}

export interface ExportOptions {
  /** this instance's secret fingerprint (format.ts secretFingerprint) */
  fingerprint: string;
  /** encrypt the file (platform/passphrase-stream.ts) */
  passphrase?: string;
  now?: Date;
  /** where the meeting photos' files are (without one, every photo row is counted missing) */
  photoStore?: PhotoStore;
}

/**
 * A ZIP without ZIP64 holds at most 65,535 entries and 4 GiB: the township's photos must leave room for its
 * tables (a part per MiB of rows) and the rest. Checked before anything is streamed or recorded, so a township
 * beyond it is told so instead of getting a cut file.
 */
export const EXPORT_LIMITS = { photos: 60_000, bytes: 3.5 * 1024 ** 3 };

/** Whether a township's photos fit in one export file (EXPORT_LIMITS). */
export const photosFit = (photos: { count: number; bytes: number }) => photos.count <= EXPORT_LIMITS.photos && photos.bytes <= EXPORT_LIMITS.bytes;

/** Refuses (413) the export of a township whose photos would not fit in one file. */
export async function assertExportFits(shard: Db, tenantId: string): Promise<void> {
  const [photos] = await shard.all<{ count: number; bytes: number }>(sql`SELECT count(*) AS count, coalesce(sum(bytes), 0) AS bytes FROM org_meeting_photos WHERE tenant_id = ${tenantId}`);
  if (!photosFit({ count: Number(photos.count), bytes: Number(photos.bytes) }))
    throw new AppError(413, 'transfer.export_too_large', { photos: Number(photos.count), gigabytes: (Number(photos.bytes) / 1024 ** 3).toFixed(1) });
}

/** The file name an export is offered under. */
export const exportFileName = (slug: string, now: Date, encrypted: boolean) =>
  `xingping-${slug}-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.zip${encrypted ? '.enc' : ''}`;

/** A table's file is cut into parts of about this many bytes (JSON Lines, before compression). */
export const PART_BYTES = 1024 * 1024;

/** The ZIP entry of a table's part: `<table>.<nnnn>.jsonl`, so `cat <table>.*.jsonl` gives the table's lines in order. */
export const partName = (table: string, part: number) => `${table}.${String(part).padStart(4, '0')}.jsonl`;

/**
 * One township's data as the export file, produced as it is read: a page of a table is read only when the
 * reader wants more bytes, so memory holds about one part, whatever the township's size.
 */
export function exportTenant(databases: TownshipDatabases, tenant: { id: string; slug: string; name: string }, options: ExportOptions): ReadableStream<Uint8Array> {
  const now = options.now ?? new Date();
  const chunks: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => chunks.push(chunk), now);
  const header: Header = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    schemaVersion: schemaVersion(),
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    createdAt: now.toISOString(),
    secretFingerprint: options.fingerprint,
    entries: entries().map((entry) => entry.name),
  };

  async function* produce(): AsyncGenerator<void> {
    // the file carries the township's audit chain sealed up to now, so the import can check every hash of it
    await sealChain(databases.shard, tenant.id);
    zip.add('format.json', encoder.encode(JSON.stringify(header, null, 2)));
    const manifest: Manifest = { ...header, tables: {} };
    for (const entry of entries()) {
      const hash = createHash('sha256');
      let rows = 0;
      let bytes = 0;
      let part = 0;
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const writePart = () => {
        const data = new Uint8Array(pendingBytes);
        let at = 0;
        for (const piece of pending) data.set(piece, (at += piece.length) - piece.length);
        zip.add(partName(entry.name, part++), data);
        pending = [];
        pendingBytes = 0;
      };
      let cursor: unknown[] | undefined;
      for (;;) {
        const page = await readPage(databases[entry.home], entry, tenant.id, cursor);
        if (page.length) {
          const data = encoder.encode(page.map((row) => `${JSON.stringify(row)}\n`).join(''));
          hash.update(data);
          pending.push(data);
          pendingBytes += data.length;
          rows += page.length;
          bytes += data.length;
          const last = page[page.length - 1];
          cursor = entry.primaryKey.map((column) => last[column]);
          if (pendingBytes >= PART_BYTES) {
            writePart();
            yield;
          }
        }
        if (page.length < PAGE_ROWS) break;
      }
      // every table has at least one part, an empty one if it has no rows
      if (pendingBytes || part === 0) writePart();
      manifest.tables[entry.name] = { rows, bytes, sha256: hash.digest('hex') };
      yield;
    }
    // the meeting photos' files, one entry each, after the rows that name them
    manifest.photos = { files: 0, missing: 0 };
    for (let after = ''; ; ) {
      const photos = await databases.shard.all<{ id: string; meetingId: string; key: string }>(
        sql`SELECT id, meeting_id AS meetingId, store_key AS key FROM org_meeting_photos WHERE tenant_id = ${tenant.id} AND id > ${after} ORDER BY id LIMIT ${PAGE_ROWS}`,
      );
      for (const photo of photos) {
        // read by the key the township's own upload gives (a row imported before imports checked keys may name another)
        const key = photoKey(tenant.id, photo.meetingId, photo.id);
        const bytes = key === photo.key ? await options.photoStore?.get(key) : undefined;
        if (!bytes) {
          manifest.photos.missing++;
          continue;
        }
        // stored, not deflated: a JPEG, PNG or WebP is compressed already
        zip.add(photoEntryName(photo.id), bytes, true);
        manifest.photos.files++;
        yield;
      }
      if (photos.length < PAGE_ROWS) break;
      after = photos[photos.length - 1].id;
    }
    zip.add('manifest.json', encoder.encode(JSON.stringify(manifest, null, 2)));
    zip.end();
  }

  const steps = produce();
  const zipped = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let done = false;
        while (!chunks.length && !done) done = !!(await steps.next()).done;
        while (chunks.length) controller.enqueue(chunks.shift()!);
        if (done) controller.close();
      },
      async cancel() {
        await steps.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return options.passphrase ? zipped.pipeThrough(encryptStream(options.passphrase)) : zipped;
}
