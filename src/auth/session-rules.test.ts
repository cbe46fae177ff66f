import { describe, expect, it } from 'vitest';
import { isAdminAccount, needsTouch, sessionExpiry, SESSION_LIMITS } from './session-rules';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const MIN = 60;
const HOUR = 3600;

describe('session timeouts', () => {
  it.each([
    { what: 'fresh', created: ago(10), seen: null, admin: true, expiry: null },
    { what: 'admin, 29 min idle', created: ago(2 * HOUR), seen: ago(29 * MIN), admin: true, expiry: null },
    { what: 'admin, 30 min idle', created: ago(2 * HOUR), seen: ago(30 * MIN), admin: true, expiry: 'idle' },
    { what: 'secretary, 30 min idle', created: ago(2 * HOUR), seen: ago(30 * MIN), admin: false, expiry: null },
    { what: 'secretary, 2 h idle', created: ago(3 * HOUR), seen: ago(2 * HOUR), admin: false, expiry: 'idle' },
    { what: 'never seen since login, 31 min ago (admin)', created: ago(31 * MIN), seen: null, admin: true, expiry: 'idle' },
    { what: 'busy all day, 11 h 59 in', created: ago(12 * HOUR - 60), seen: ago(5), admin: true, expiry: null },
    { what: 'busy all day, 12 h in', created: ago(12 * HOUR), seen: ago(5), admin: false, expiry: 'absolute' },
  ])('$what → $expiry', ({ created, seen, admin, expiry }) => {
    expect(sessionExpiry({ createdAt: created, lastSeenAt: seen }, admin, now)).toBe(expiry);
  });

  it.each([
    { seen: ago(5), touch: false },
    { seen: ago(SESSION_LIMITS.touchEverySeconds), touch: true },
  ])('writes last-seen at most once a minute: seen $seen → $touch', ({ seen, touch }) => {
    expect(needsTouch({ createdAt: ago(HOUR), lastSeenAt: seen }, now)).toBe(touch);
  });

  it.each([
    { roles: ['platform_admin'] as const, admin: true },
    { roles: ['village_secretary', 'township_admin'] as const, admin: true },
    { roles: ['county_viewer', 'party_member'] as const, admin: false },
  ])('$roles → admin: $admin', ({ roles, admin }) => {
    expect(isAdminAccount(roles)).toBe(admin);
  });
});
