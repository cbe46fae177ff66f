import { and, eq, inArray, ne, or } from 'drizzle-orm';
import { auditAccountEvent, recordAccountEvent } from '../audit/record';
import type { Context } from 'hono';
import { Hono } from '../platform/hono';
import { createMiddleware } from 'hono/factory';
import { renderSVG } from 'uqr';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env';
import { accounts, roleGrants, sessions, tenants } from '../db/schema';
import { AppError, conflict, unauthenticated } from '../platform/errors';
import { input, withMeta } from '../platform/validate';
import { loadPlatformSettings } from '../tenancy/platform-settings';
import { publicRoute, signedIn } from './guard';
import { assertPasswordPolicy, PASSWORD_POLICY } from './password-policy';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import { verifyingKeys } from '../platform/config';
import { isAdminAccount } from './session-rules';
import {
  endAllSessions,
  endSession,
  finishPendingLogin,
  loadPendingLogin,
  startPendingLogin,
  startSession,
  type PendingLogin,
} from './sessions';
import { clearFailedLogins, clearFailures, loginKeys, throttled } from './throttle';
import {
  beginEnrolment,
  checkSecondFactor,
  confirmEnrolment,
  factorState,
  hasSecondFactor,
  issueRecoveryCodes,
  removeSecondFactor,
  secondFactorKeys,
} from './two-factor';

export const phoneSchema = z.string().check(z.trim(), z.regex(/^1\d{10}$/));
/** A password being set: its length and classes are checked by the policy (auth/password-policy.ts), with its messages. */
export const newPasswordField = z.string().check(z.maxLength(PASSWORD_POLICY.maxLength));

const loginBody = z.object({ phone: phoneSchema, password: z.string().check(z.minLength(1), z.maxLength(200)) });
const codeBody = z.strictObject({ code: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)) });
const passwordBody = z.strictObject({ password: z.string().check(z.minLength(1), z.maxLength(200)) });
const setupBody = z.strictObject({ password: z.optional(z.string().check(z.minLength(1), z.maxLength(200))) });
const changePasswordBody = z.strictObject({ currentPassword: z.string().check(z.minLength(1), z.maxLength(200)), newPassword: newPasswordField });

/** Whether the platform makes this account (by its roles) sign in with a second factor. */
async function secondFactorRequired(c: Context<AppEnv>, accountId: string): Promise<boolean> {
  const grants = await c.var.registry.select({ role: roleGrants.role }).from(roleGrants).where(eq(roleGrants.accountId, accountId));
  return isAdminAccount(grants.map((g) => g.role)) && (await loadPlatformSettings(c.var.registry)).requireAdminTwoFactor;
}

/**
 * A password typed again to confirm a change (new password, 2FA on or off, new recovery codes): counted like
 * a login, so a borrowed session cannot be used to guess the password.
 */
async function confirmPassword(c: Context<AppEnv>, password: string): Promise<void> {
  const session = c.var.session!;
  const [account] = await c.var.registry.select({ passwordHash: accounts.passwordHash }).from(accounts).where(eq(accounts.id, session.accountId));
  const right = await throttled(c.var.registry, loginKeys(session.phone, c.var.clientIp), async () => !!account && (await verifyPassword(password, account.passwordHash)));
  if (!right) throw new AppError(400, 'auth.password_wrong');
}

/** Enrolling a second factor: signed in, or a login half done that the platform makes enrol first. */
async function enrollee(c: Context<AppEnv>): Promise<{ accountId: string; phone: string; pending?: PendingLogin }> {
  if (c.var.session) return { accountId: c.var.session.accountId, phone: c.var.session.phone };
  const pending = await loadPendingLogin(c);
  if (pending?.stage === 'enrol') return { accountId: pending.accountId, phone: pending.phone, pending };
  throw unauthenticated();
}

/** Signed in, or signing in and made to enrol a second factor first (the enrolment routes). */
function signedInOrEnrolling() {
  return withMeta(
    createMiddleware<AppEnv>(async (c, next) => {
      await enrollee(c);
      await next();
    }),
    { roles: ['*'] },
  );
}

export const authRoutes = new Hono<AppEnv>()
  .post('/login', publicRoute(), input('json', loginBody), async (c) => {
    const { phone, password } = c.req.valid('json');
    const db = c.var.registry;
    const [account] = await db.select().from(accounts).where(eq(accounts.phone, phone)).limit(1);
    // an unknown phone costs the same hash as a known one, and counts as a failure like a wrong password
    const valid = await throttled(db, loginKeys(phone, c.var.clientIp), async () => (await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH)) && !!account);
    if (!account || !valid) {
      // an unknown phone is recorded without it (it may be someone's mistyped number): the platform's chain, no account
      await recordAccountEvent(c, { accountId: account?.id ?? null, action: 'auth.login_failed', outcome: 'refused' });
      throw new AppError(401, 'auth.invalid_credentials');
    }
    if (account.disabled) {
      await recordAccountEvent(c, { accountId: account.id, action: 'auth.login_disabled', outcome: 'refused' });
      throw new AppError(403, 'auth.account_disabled');
    }
    await clearFailedLogins(db, phone);
    // the password was right; an account with a second factor (or made to get one) is not signed in yet
    if (await hasSecondFactor(db, account.id)) {
      await startPendingLogin(c, account.id, 'second_factor');
      return c.json({ step: 'second_factor' as const });
    }
    if (await secondFactorRequired(c, account.id)) {
      await startPendingLogin(c, account.id, 'enrol');
      return c.json({ step: 'enrol' as const });
    }
    await startSession(c, account.id);
    await recordAccountEvent(c, { accountId: account.id, action: 'auth.login' });
    return c.json({ step: 'signed_in' as const, id: account.id, name: account.name });
  })
  .post('/login/second-factor', publicRoute(), input('json', codeBody), async (c) => {
    const pending = await loadPendingLogin(c);
    if (pending?.stage !== 'second_factor') throw new AppError(401, 'auth.login_step_missing');
    const db = c.var.registry;
    const keys = secondFactorKeys(pending.accountId, c.var.clientIp);
    if (!(await throttled(db, keys, () => checkSecondFactor(db, verifyingKeys(c.var.config.secrets), pending.accountId, c.req.valid('json').code)))) {
      await recordAccountEvent(c, { accountId: pending.accountId, action: 'auth.second_factor_failed', outcome: 'refused' });
      throw new AppError(401, 'auth.second_factor_invalid');
    }
    await clearFailures(db, keys[0]);
    await finishPendingLogin(c, pending);
    await recordAccountEvent(c, { accountId: pending.accountId, action: 'auth.login', summary: { secondFactor: true } });
    return c.json({ step: 'signed_in' as const, id: pending.accountId, name: pending.name });
  })
  .post('/logout', publicRoute(), async (c) => {
    await endSession(c);
    if (c.var.session) await recordAccountEvent(c, { accountId: c.var.session.accountId, action: 'auth.logout' });
    return c.body(null, 204);
  })
  .post('/logout-all', signedIn(), async (c) => {
    await endAllSessions(c, c.var.session!.accountId);
    await recordAccountEvent(c, { accountId: c.var.session!.accountId, action: 'auth.logout_all' });
    return c.body(null, 204);
  })
  .post('/password', signedIn(), input('json', changePasswordBody), async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    const session = c.var.session!;
    await confirmPassword(c, currentPassword);
    assertPasswordPolicy(newPassword, session.phone, { locale: c.var.locale, path: 'newPassword' });
    const db = c.var.registry;
    // the new password holds from now on, and only this session stays signed in
    await db.batch([
      db.update(accounts).set({ passwordHash: await hashPassword(newPassword) }).where(eq(accounts.id, session.accountId)),
      db.delete(sessions).where(and(eq(sessions.accountId, session.accountId), ne(sessions.id, session.sessionId))),
      ...(await auditAccountEvent(c, { accountId: session.accountId, action: 'auth.password_change' })),
    ]);
    return c.body(null, 204);
  })
  .get('/two-factor', signedIn(), async (c) => {
    const session = c.var.session!;
    return c.json({ ...(await factorState(c.var.registry, session.accountId)), required: await secondFactorRequired(c, session.accountId) });
  })
  .post('/two-factor/setup', signedInOrEnrolling(), input('json', setupBody), async (c) => {
    const who = await enrollee(c);
    // a borrowed session must not put its own authenticator on the account (and lock the owner out):
    // signed in, the password is typed again; at login it was typed a moment ago
    if (!who.pending) {
      const { password } = c.req.valid('json');
      if (!password) throw new AppError(400, 'auth.setup_needs_password');
      await confirmPassword(c, password);
    }
    const started = await beginEnrolment(c.var.registry, verifyingKeys(c.var.config.secrets), who.accountId, who.phone);
    if (!started) throw conflict('auth.two_factor_already_on');
    await recordAccountEvent(c, { accountId: who.accountId, action: 'auth.second_factor_setup' });
    return c.json({ ...started, svg: renderSVG(started.uri, { ecc: 'M', border: 2 }) });
  })
  .post('/two-factor/confirm', signedInOrEnrolling(), input('json', codeBody), async (c) => {
    const who = await enrollee(c);
    const db = c.var.registry;
    const state = await factorState(db, who.accountId);
    if (state.enabled) throw conflict('auth.two_factor_already_on');
    const keys = secondFactorKeys(who.accountId, c.var.clientIp);
    if (!(await throttled(db, keys, () => confirmEnrolment(db, verifyingKeys(c.var.config.secrets), who.accountId, c.req.valid('json').code)))) {
      await recordAccountEvent(c, { accountId: who.accountId, action: 'auth.second_factor_failed', outcome: 'refused' });
      throw new AppError(400, 'auth.second_factor_invalid');
    }
    await clearFailures(db, keys[0]);
    const codes = await issueRecoveryCodes(db, who.accountId);
    await recordAccountEvent(c, { accountId: who.accountId, action: 'auth.second_factor_on' });
    if (who.pending) {
      await finishPendingLogin(c, who.pending);
      await recordAccountEvent(c, { accountId: who.accountId, action: 'auth.login', summary: { secondFactor: true } });
    }
    return c.json({ recoveryCodes: codes, signedIn: true });
  })
  .post('/two-factor/recovery-codes', signedIn(), input('json', passwordBody), async (c) => {
    await confirmPassword(c, c.req.valid('json').password);
    const accountId = c.var.session!.accountId;
    if (!(await hasSecondFactor(c.var.registry, accountId))) throw conflict('auth.two_factor_off');
    const recoveryCodes = await issueRecoveryCodes(c.var.registry, accountId);
    await recordAccountEvent(c, { accountId, action: 'auth.recovery_codes' });
    return c.json({ recoveryCodes });
  })
  .post('/two-factor/disable', signedIn(), input('json', passwordBody), async (c) => {
    await confirmPassword(c, c.req.valid('json').password);
    const accountId = c.var.session!.accountId;
    if (!(await hasSecondFactor(c.var.registry, accountId))) throw conflict('auth.two_factor_off');
    if (await secondFactorRequired(c, accountId)) throw conflict('auth.two_factor_required');
    await removeSecondFactor(c.var.registry, accountId);
    await recordAccountEvent(c, { accountId, action: 'auth.second_factor_off' });
    return c.body(null, 204);
  })
  .get('/me', signedIn(), async (c) => {
    const session = c.var.session!;
    const tenantIds = [...new Set(session.grants.map((g) => g.tenantId).filter((id): id is string => !!id))];
    const viewedCounties = [...new Set(session.grants.filter((g) => g.role === 'county_viewer').map((g) => g.countyId!))];
    const conditions = [
      ...(tenantIds.length ? [inArray(tenants.id, tenantIds)] : []),
      ...(viewedCounties.length ? [inArray(tenants.countyId, viewedCounties)] : []),
    ];
    const known = conditions.length
      ? await c.var.registry
          .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, countyId: tenants.countyId })
          .from(tenants)
          .where(and(eq(tenants.status, 'active'), or(...conditions)))
          .orderBy(tenants.slug)
      : [];
    const byId = new Map(known.map(({ countyId: _, ...t }) => [t.id, t]));
    return c.json({
      id: session.accountId,
      name: session.name,
      phone: session.phone,
      locale: session.locale,
      roles: session.grants.map((g) => ({
        role: g.role,
        countyId: g.countyId,
        cityId: g.cityId,
        villageId: g.villageId,
        memberId: g.memberId,
        tenant: g.tenantId ? (byId.get(g.tenantId) ?? null) : null,
      })),
      /** townships a county viewer may read: every township of their counties (with its county: the viewer's home there) */
      countyTownships: known.filter((t) => viewedCounties.includes(t.countyId)),
    });
  });
