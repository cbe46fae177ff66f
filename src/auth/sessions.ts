import { and, eq, gt, lte } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Db } from '../db/client';
import { accounts, roleGrants, sessions } from '../db/schema';
import { addSeconds } from '../platform/time';
import type { SessionInfo } from './actor';
import { newToken, sha256Hex } from './tokens';

export const SESSION_COOKIE = 'xp_session';
const SESSION_SECONDS = 14 * 24 * 3600;

export async function startSession(c: Context<AppEnv>, accountId: string): Promise<void> {
  const token = newToken();
  await c.var.db.insert(sessions).values({
    id: await sha256Hex(token),
    accountId,
    expiresAt: addSeconds(new Date(), SESSION_SECONDS).toISOString(),
  });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: c.var.config.secureCookies,
    sameSite: 'Lax',
    path: '/',
    maxAge: SESSION_SECONDS,
  });
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  if (c.var.session) await c.var.db.delete(sessions).where(eq(sessions.id, c.var.session.sessionId));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Revokes every session of the account (e.g. after a lost phone). */
export async function endAllSessions(c: Context<AppEnv>, accountId: string): Promise<void> {
  await c.var.db.delete(sessions).where(eq(sessions.accountId, accountId));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Loads the account and its grants behind the session cookie, in one round trip. */
export async function loadSession(db: Db, token: string): Promise<SessionInfo | undefined> {
  const sessionId = await sha256Hex(token);
  const now = new Date().toISOString();
  const [found, grants] = await db.batch([
    db
      .select({ accountId: accounts.id, name: accounts.name, phone: accounts.phone, locale: accounts.locale, disabled: accounts.disabled })
      .from(sessions)
      .innerJoin(accounts, eq(accounts.id, sessions.accountId))
      .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now))),
    db
      .select({
        role: roleGrants.role,
        countyId: roleGrants.countyId,
        tenantId: roleGrants.tenantId,
        villageId: roleGrants.villageId,
        memberId: roleGrants.memberId,
      })
      .from(roleGrants)
      .innerJoin(sessions, eq(sessions.accountId, roleGrants.accountId))
      .where(eq(sessions.id, sessionId)),
  ]);
  const account = found[0];
  if (!account || account.disabled) return undefined;
  return { sessionId, accountId: account.accountId, name: account.name, phone: account.phone, locale: account.locale, grants };
}

export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const session = await loadSession(c.var.db, token);
    if (session) c.set('session', session);
  }
  await next();
});

/** Forgets login sessions that have expired (the nightly job; an expired session is refused anyway). */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.delete(sessions).where(lte(sessions.expiresAt, now.toISOString()));
}
