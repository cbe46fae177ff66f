import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Which servers have an embedded database file open: each running server keeps a mark, `<file>.servers/<host>-<pid>`,
 * removed when it exits. A restore replaces the file and must not pull it from under a server that still writes to
 * its old inode (its writes would be lost, or land in a file nobody reads).
 */
export interface ServerMark {
  host: string;
  pid: number;
  since: string;
  /** the mark's own file, to delete by hand if that server is known to be stopped (another host's) */
  file: string;
}

const marksDir = (databaseFile: string) => `${databaseFile}.servers`;

/** Marks the file as used by this process until it exits (a kill -9 leaves the mark; serversUsing sees it is stale). */
export function markServerUsing(databaseFile: string): void {
  const dir = marksDir(databaseFile);
  mkdirSync(dir, { recursive: true });
  const mark = join(dir, `${hostname()}-${process.pid}`);
  writeFileSync(mark, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }));
  process.once('exit', () => rmSync(mark, { force: true }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The servers that may still have the file open. A mark of this host whose process has ended (a crash) is removed; one of
 * another host (the file on a shared volume) cannot be checked from here and counts as running.
 */
export function serversUsing(databaseFile: string): ServerMark[] {
  const dir = marksDir(databaseFile);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const running: ServerMark[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let mark: Omit<ServerMark, 'file'>;
    try {
      mark = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // being written or removed this instant
    }
    if (mark.host === hostname() && mark.pid !== process.pid && !alive(mark.pid)) rmSync(file, { force: true });
    else if (mark.pid !== process.pid || mark.host !== hostname()) running.push({ ...mark, file });
  }
  return running;
}
