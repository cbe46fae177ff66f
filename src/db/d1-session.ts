import type { Db } from './client';
import { MAIN_SHARD, SHARD_NAME, UnknownShardError, type Databases } from './databases';
import { drizzleD1 } from './d1';

/**
 * Where a request's D1 session starts when it brings no bookmark: `first-primary` reads the primary first (as a
 * plain binding does), `first-unconstrained` lets the nearest replica answer (docs/scaling.md, "Read replicas").
 */
export type SessionStart = 'first-primary' | 'first-unconstrained';

/** The latest bookmark of each database a browser has seen, by shard name (`main` is the registry). */
export type Bookmarks = Readonly<Record<string, string>>;

/**
 * A bookmark as D1 writes it: four hex fields (`00000000-0000000a-00000000-` and 32 more). D1 keeps the larger of a
 * session's bookmarks as text, so anything else sent back (`zzz…`) would stick to the session: such a value is dropped.
 */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
/** A carried value longer than a few shards' bookmarks is not ours: ignored whole, never parsed. */
const MAX_CARRIED = 2048;

/**
 * The bookmarks a client carried (`main:<bookmark>,second:<bookmark>`, in a cookie or a header), keeping only
 * well-formed entries; when several copies name a shard, the newest (bookmarks sort by age).
 */
export function readBookmarks(...carried: (string | undefined)[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const value of carried) {
    if (!value || value.length > MAX_CARRIED) continue;
    for (const entry of value.split(',')) {
      const [name, bookmark, extra] = entry.trim().split(':');
      if (extra !== undefined || !bookmark || !BOOKMARK.test(bookmark) || !SHARD_NAME.test(name)) continue;
      if (!found[name] || bookmark > found[name]) found[name] = bookmark;
    }
  }
  return found;
}

/** The form readBookmarks reads. */
export const writeBookmarks = (bookmarks: Bookmarks): string =>
  Object.entries(bookmarks)
    .map(([name, bookmark]) => `${name}:${bookmark}`)
    .join(',');

/** A request's databases, each read through a D1 session, and where those sessions have got to. */
export interface SessionDatabases extends Databases {
  /** the latest bookmark of each database this request queried */
  bookmarks(): Bookmarks;
}

/**
 * The databases of one request through D1's Sessions API (drizzle has none): each binding's session starts at
 * the request's bookmark for it, else at `start`, and is opened on first use, so a request pays for the shard it
 * reads and the registry only. Writes go to the primary whatever the start; a session's reads then see them.
 */
export function d1SessionDatabases(bindings: Readonly<Record<string, D1Database>>, start: SessionStart, from: Bookmarks = {}): SessionDatabases {
  const opened = new Map<string, { session: D1DatabaseSession; db: Db }>();
  const open = (name: string): Db => {
    let found = opened.get(name);
    if (!found) {
      const binding = bindings[name];
      if (!binding) throw new UnknownShardError(name);
      const session = binding.withSession(from[name] ?? start);
      found = { session, db: drizzleD1(session) };
      opened.set(name, found);
    }
    return found.db;
  };
  return {
    registry: open(MAIN_SHARD),
    shardNames: Object.keys(bindings),
    shard: open,
    bookmarks: () => {
      const latest: Record<string, string> = {};
      for (const [name, { session }] of opened) {
        const bookmark = session.getBookmark();
        if (bookmark) latest[name] = bookmark;
      }
      return latest;
    },
  };
}
