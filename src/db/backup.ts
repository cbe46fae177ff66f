import { createClient } from '@libsql/client';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptStream } from '../platform/passphrase-stream';
import { serversUsing } from './in-use';

/**
 * Backups of the embedded libSQL file (Node mode): `VACUUM INTO` writes a consistent copy while the server
 * runs (it reads inside one read transaction; WAL lets writers go on), optionally encrypted with a
 * passphrase (platform/passphrase-stream.ts), into a directory that keeps the newest `keep` copies.
 * A remote libSQL server (DATABASE_URL=libsql://…) is backed up with its own tooling: docs/operations.md.
 */
export const BACKUP_PATTERN = /^xingping-\d{8}-\d{6}(-\d+)?\.db(\.enc)?$/;

/** A file as a web stream (what the passphrase streams take). */
export const fileStream = (path: string) => Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;

const stamp = (now: Date) => now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');

export function databaseFile(url: string): string {
  if (!url.startsWith('file:')) throw new Error(`backups copy an embedded file (file:…); ${url.split(':')[0]}: is a server: use its own snapshots (docs/operations.md)`);
  return url.slice('file:'.length);
}

export interface BackupResult {
  file: string;
  bytes: number;
  removed: string[];
}

/** Writes one backup of the database at `url` into `dir` and rotates the directory. */
export async function backupDatabase(options: { url: string; dir: string; keep?: number; passphrase?: string; now?: Date }): Promise<BackupResult> {
  const source = databaseFile(options.url);
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  mkdirSync(options.dir, { recursive: true });
  let name = `xingping-${stamp(options.now ?? new Date())}`;
  for (let n = 1; existsSync(join(options.dir, `${name}.db`)) || existsSync(join(options.dir, `${name}.db.enc`)); n++) name = `xingping-${stamp(options.now ?? new Date())}-${n}`;
  const copy = join(options.dir, `${name}.db`);
  const partial = `${copy}.partial`;
  const client = createClient({ url: options.url, timeout: 5000 });
  try {
    await client.execute({ sql: 'VACUUM INTO ?', args: [partial] });
  } finally {
    client.close();
  }
  let file = copy;
  if (options.passphrase) {
    file = `${copy}.enc`;
    await pipeline(fileStream(partial).pipeThrough(encryptStream(options.passphrase)) as never, createWriteStream(`${file}.partial`));
    rmSync(partial);
    renameSync(`${file}.partial`, file);
  } else renameSync(partial, copy);
  return { file, bytes: statSync(file).size, removed: rotate(options.dir, options.keep ?? 14) };
}

/** Keeps the newest `keep` backups in `dir` (by their time-stamped names), removes the rest; returns what it removed. */
export function rotate(dir: string, keep: number): string[] {
  const backups = readdirSync(dir).filter((f) => BACKUP_PATTERN.test(f)).sort();
  const removed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const f of removed) rmSync(join(dir, f));
  return removed;
}

/**
 * Replaces the database at `url` with a backup. The server must be stopped (systemd stop): the file is
 * swapped underneath. The backup is opened and checked (`PRAGMA integrity_check`) before anything is
 * touched; the database it replaces is kept beside it as `<file>.before-restore-<time>`.
 */
export async function restoreDatabase(options: { url: string; from: string; passphrase?: string; now?: Date }): Promise<{ replaced: string | null }> {
  const target = databaseFile(options.url);
  const users = serversUsing(target);
  if (users.length)
    throw new Error(
      `a server is using ${target}: stop it first (${users.map((u) => `pid ${u.pid} on ${u.host} since ${u.since}`).join('; ')}). ` +
        `If it is stopped already (another host's, after a crash), delete ${users.map((u) => u.file).join(', ')}.`,
    );
  const incoming = `${target}.restoring`;
  mkdirSync(dirname(target) || '.', { recursive: true });
  rmSync(incoming, { force: true });
  if (options.from.endsWith('.enc')) {
    if (!options.passphrase) throw new Error(`${basename(options.from)} is encrypted: give --passphrase (or XINGPING_PASSPHRASE)`);
    await pipeline(fileStream(options.from).pipeThrough(decryptStream(options.passphrase)) as never, createWriteStream(incoming));
  } else await pipeline(createReadStream(options.from), createWriteStream(incoming) as Writable);
  const check = createClient({ url: `file:${incoming}` });
  try {
    const { rows } = await check.execute('PRAGMA integrity_check');
    if (rows.length !== 1 || rows[0][0] !== 'ok') throw new Error(`${basename(options.from)} fails its integrity check: ${rows.map((r) => r[0]).join('; ')}`);
  } catch (error) {
    check.close();
    rmSync(incoming, { force: true });
    throw error;
  }
  check.close();
  let replaced: string | null = null;
  if (existsSync(target)) {
    replaced = `${target}.before-restore-${stamp(options.now ?? new Date())}`;
    renameSync(target, replaced);
  }
  // the old file's write-ahead log belongs to the old file: left beside the new one, SQLite would replay it into it
  for (const suffix of ['-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, `${replaced ?? target}${suffix}`);
  renameSync(incoming, target);
  return { replaced };
}
