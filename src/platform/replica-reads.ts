import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Bindings } from '../app-env';
import { readBookmarks, writeBookmarks, type Bookmarks, type SessionDatabases, type SessionStart } from '../db/d1-session';
import { verifyingKeys } from './config';
import { hmacText, sameText } from './crypto';

/** Where a browser keeps its bookmarks, and the header a page without cookies (or a script) carries them in. */
export const BOOKMARK_COOKIE = 'xp_bookmark';
export const BOOKMARK_HEADER = 'x-d1-bookmark';
/** A bookmark matters while a replica may lag behind it (seconds); an hour outlasts a page left open without lingering. */
const BOOKMARK_MAX_AGE = 60 * 60;

/** Opens a request's databases through D1 sessions (db/d1-session.ts): the Worker's; Node has none. */
export type OpenSessions = (env: Bindings, start: SessionStart, from: Bookmarks) => SessionDatabases;

const SAFE = new Set(['GET', 'HEAD']);

/**
 * Bookmarks travel signed (`<bookmarks>.<HMAC>`, APP_SECRET): a session only ever starts at a bookmark this
 * deployment handed out, never at one a client made up (a well-formed one "ahead" of the primary, whose effect
 * on D1 nobody here can test). An unsigned or forged value is ignored, as a malformed one is.
 */
const SIGNED = /^(.{1,2048})\.([A-Za-z0-9_-]{22})$/;
const signatureOf = (secret: string, value: string) => hmacText(secret, `d1-bookmark|${value}`, 16);

async function signed(c: Context<AppEnv>, value: string): Promise<string> {
  return `${value}.${await signatureOf(c.var.config.secrets.current, value)}`;
}

async function verified(c: Context<AppEnv>, carried: string | undefined): Promise<string | undefined> {
  const match = carried ? SIGNED.exec(carried) : null;
  if (!match) return undefined;
  for (const key of verifyingKeys(c.var.config.secrets)) if (sameText(await signatureOf(key, match[1]), match[2])) return match[1];
  return undefined;
}

/** A route group whose reads may come from a replica (app.ts names them): its GET and HEAD requests. */
export const replicaReads = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE.has(c.req.method)) c.set('replicaReads', true);
  await next();
});

/**
 * This request's databases, each through a D1 session. Every request runs through one, not only the replica
 * reads: a write is only known by its session's bookmark, and the browser that wrote must get it whichever
 * route it wrote through. A replica read starts at the browser's bookmark (it sees its own writes), else
 * anywhere; every other request starts at the primary as before, so the pages that read → decide → write (and
 * were written for the primary) read what the last writer wrote, whoever it was.
 */
export async function openSessions(c: Context<AppEnv>, open: OpenSessions): Promise<{ databases: SessionDatabases; carried: Bookmarks }> {
  const [cookie, header] = await Promise.all([verified(c, getCookie(c, BOOKMARK_COOKIE)), verified(c, c.req.header(BOOKMARK_HEADER))]);
  const carried = readBookmarks(cookie, header);
  const databases = c.var.replicaReads ? open(c.env, 'first-unconstrained', carried) : open(c.env, 'first-primary', {});
  return { databases, carried };
}

/**
 * The answer carries the newest bookmark of every database the browser has seen: in the header always, in the
 * cookie when it moved after a write. Not on an answer a shared cache may keep (`Cache-Control: public`, the public pages): a
 * cookie there stops the edge caching it and would hand one browser's bookmark to the next; those are reads,
 * and the writes a browser must see again came with a bookmark of their own.
 */
export async function carryBookmarks(c: Context<AppEnv>, { databases, carried }: Awaited<ReturnType<typeof openSessions>>) {
  if (c.res.headers.get('cache-control')?.includes('public')) return;
  const latest = { ...carried, ...databases.bookmarks() };
  const known = Object.fromEntries(databases.shardNames.filter((name) => latest[name]).map((name) => [name, latest[name]]));
  if (!Object.keys(known).length) return;
  const value = await signed(c, writeBookmarks(known));
  c.header(BOOKMARK_HEADER, value);
  // the cookie follows writes (what a browser must see again), and keeps up once it has one; a plain read
  // (a load balancer's health check, a first visit) is not handed a cookie
  const cookie = getCookie(c, BOOKMARK_COOKIE);
  if ((!SAFE.has(c.req.method) || cookie !== undefined) && value !== cookie)
    setCookie(c, BOOKMARK_COOKIE, value, { httpOnly: true, secure: c.var.config.secureCookies, sameSite: 'Lax', path: '/', maxAge: BOOKMARK_MAX_AGE });
}
