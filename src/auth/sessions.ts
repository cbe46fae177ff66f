import { and, eq, gt, lte, ne, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Db } from '../db/client';
import { accounts, sessions, type Role, type SessionStage } from '../db/schema';
import { AppError } from '../platform/errors';
import { addSeconds } from '../platform/time';
import type { SessionInfo } from './actor';
import { isAdminAccount, needsTouch, sessionExpiry, SESSION_LIMITS } from './session-rules';
import { newToken, sha256Hex } from '../platform/crypto';

const SESSION_COOKIE = 'xp_session';
/** The cookie of a login half done (password right, second factor or enrolment to come). */
const PENDING_COOKIE = 'xp_login';

function sessionCookie(c: Context<AppEnv>, name: string, token: string, maxAge: number) {
  setCookie(c, name, token, {
    httpOnly: true,
    secure: c.var.config.secureCookies,
    sameSite: 'Lax',
    path: '/',
    maxAge,
  });
}

/** Signs the account in: a new session (a new id, whatever came before), cookie for its absolute lifetime. */
export async function startSession(c: Context<AppEnv>, accountId: string): Promise<void> {
  const token = newToken();
  const now = new Date();
  await c.var.registry.insert(sessions).values({
    id: await sha256Hex(token),
    accountId,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: addSeconds(now, SESSION_LIMITS.absoluteSeconds).toISOString(),
  });
  sessionCookie(c, SESSION_COOKIE, token, SESSION_LIMITS.absoluteSeconds);
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  if (c.var.session) await c.var.registry.delete(sessions).where(eq(sessions.id, c.var.session.sessionId));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Revokes every session of the account (e.g. after a lost phone). */
export async function endAllSessions(c: Context<AppEnv>, accountId: string): Promise<void> {
  await c.var.registry.delete(sessions).where(eq(sessions.accountId, accountId));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** A row of the session lookup: the account, and one of its grants (none: a row of nulls, the LEFT JOIN's). */
interface SessionRow {
  accountId: string;
  name: string;
  phone: string;
  locale: string;
  disabled: number;
  createdAt: string;
  lastSeenAt: string | null;
  role: Role | null;
  countyId: string | null;
  cityId: string | null;
  tenantId: string | null;
  villageId: string | null;
  memberId: string | null;
}

/**
 * Loads the account and its grants behind the session cookie, in one statement (a row per grant), and enforces the
 * idle and absolute timeouts (auth/session-rules.ts); the last-seen time is written at most once a minute.
 * Every signed-in request runs this lookup first, so it is written as SQL, not built by drizzle's query builder:
 * building it was ~0.2 ms of CPU a request, as much as running it (libSQL in process; about as much in workerd).
 */
async function loadSession(db: Db, token: string, now = new Date()): Promise<SessionInfo | undefined> {
  const sessionId = await sha256Hex(token);
  const rows = await db.all<SessionRow>(sql`SELECT a.id AS accountId, a.name AS name, a.phone AS phone, a.locale AS locale, a.disabled AS disabled,
      s.created_at AS createdAt, s.last_seen_at AS lastSeenAt,
      g.role AS role, g.county_id AS countyId, g.city_id AS cityId, g.tenant_id AS tenantId, g.village_id AS villageId, g.member_id AS memberId
    FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN role_grants g ON g.account_id = s.account_id
    WHERE s.id = ${sessionId} AND s.stage = 'active' AND s.expires_at > ${now.toISOString()}`);
  const account = rows[0];
  if (!account || account.disabled) return undefined;
  const grants = rows.flatMap(({ role, countyId, cityId, tenantId, villageId, memberId }) => (role === null ? [] : [{ role, countyId, cityId, tenantId, villageId, memberId }]));
  if (sessionExpiry(account, isAdminAccount(grants.map((g) => g.role)), now)) {
    await db.delete(sessions).where(eq(sessions.id, sessionId));
    return undefined;
  }
  if (needsTouch(account, now)) await db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.id, sessionId));
  return { sessionId, accountId: account.accountId, name: account.name, phone: account.phone, locale: account.locale, grants };
}

export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const session = await loadSession(c.var.registry, token);
    if (session) c.set('session', session);
  }
  await next();
});

/** A login half done: whose, and what it waits for. */
export interface PendingLogin {
  sessionId: string;
  accountId: string;
  phone: string;
  name: string;
  stage: Exclude<SessionStage, 'active'>;
}

/** Records a login whose password was right and which waits for `stage` (a short-lived row and cookie). */
export async function startPendingLogin(c: Context<AppEnv>, accountId: string, stage: PendingLogin['stage']): Promise<void> {
  const token = newToken();
  const now = new Date();
  await c.var.registry.insert(sessions).values({
    id: await sha256Hex(token),
    accountId,
    stage,
    createdAt: now.toISOString(),
    expiresAt: addSeconds(now, SESSION_LIMITS.pendingSeconds).toISOString(),
  });
  sessionCookie(c, PENDING_COOKIE, token, SESSION_LIMITS.pendingSeconds);
}

/** The caller's login half done, if its cookie names one that has not expired. */
export async function loadPendingLogin(c: Context<AppEnv>): Promise<PendingLogin | undefined> {
  const token = getCookie(c, PENDING_COOKIE);
  if (!token) return undefined;
  const sessionId = await sha256Hex(token);
  const [row] = await c.var.registry
    .select({ accountId: accounts.id, phone: accounts.phone, name: accounts.name, disabled: accounts.disabled, stage: sessions.stage })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.id, sessionId), ne(sessions.stage, 'active'), gt(sessions.expiresAt, new Date().toISOString())));
  if (!row || row.disabled || row.stage === 'active') return undefined;
  return { sessionId, accountId: row.accountId, phone: row.phone, name: row.name, stage: row.stage };
}

/**
 * Completes a login half done: its row and cookie go, a new session starts. Only the request that removes
 * the row goes on, so two second steps racing on one login open one session.
 */
export async function finishPendingLogin(c: Context<AppEnv>, pending: PendingLogin): Promise<void> {
  const removed = await c.var.registry.delete(sessions).where(eq(sessions.id, pending.sessionId)).returning({ id: sessions.id });
  deleteCookie(c, PENDING_COOKIE, { path: '/' });
  if (!removed.length) throw new AppError(401, 'auth.login_step_missing');
  await startSession(c, pending.accountId);
}

/** Forgets login sessions that have expired (the nightly job; an expired session is refused anyway). */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.delete(sessions).where(lte(sessions.expiresAt, now.toISOString()));
}
