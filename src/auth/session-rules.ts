import type { Role } from '../db/schema';

/**
 * Session lifetimes (等保 2.0 "登录连接超时"): an idle session ends after SESSION_LIMITS.idle… seconds
 * without a request, any session after `absoluteSeconds` whatever its use. Admin accounts (platform or
 * township) get the shorter idle limit: they can change every township's data.
 */
export const SESSION_LIMITS = {
  adminIdleSeconds: 30 * 60,
  idleSeconds: 2 * 3600,
  absoluteSeconds: 12 * 3600,
  /** a login half done (password right, second factor to come) */
  pendingSeconds: 5 * 60,
  /** how stale the stored last-seen time may get before a request writes it again (one write a minute, not one a request) */
  touchEverySeconds: 60,
} as const;

const ADMIN_ROLES: readonly Role[] = ['platform_admin', 'township_admin'];

/** Whether an account with these roles is an admin (the shorter idle timeout, the 2FA requirement). */
export const isAdminAccount = (roles: readonly Role[]) => roles.some((role) => ADMIN_ROLES.includes(role));

export interface SessionTimes {
  createdAt: string;
  lastSeenAt: string | null;
}

/** Why a session is over at `now` ('idle', 'absolute'), or null while it is alive. */
export function sessionExpiry(session: SessionTimes, admin: boolean, now: Date): 'idle' | 'absolute' | null {
  const created = Date.parse(session.createdAt);
  if (now.getTime() - created >= SESSION_LIMITS.absoluteSeconds * 1000) return 'absolute';
  const lastSeen = session.lastSeenAt ? Date.parse(session.lastSeenAt) : created;
  const idle = admin ? SESSION_LIMITS.adminIdleSeconds : SESSION_LIMITS.idleSeconds;
  if (now.getTime() - lastSeen >= idle * 1000) return 'idle';
  return null;
}

/** Whether this request should write the session's last-seen time (it is older than the touch interval). */
export function needsTouch(session: SessionTimes, now: Date): boolean {
  const lastSeen = Date.parse(session.lastSeenAt ?? session.createdAt);
  return now.getTime() - lastSeen >= SESSION_LIMITS.touchEverySeconds * 1000;
}
