import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors';
import { assertPasswordPolicy, passwordProblems } from './password-policy';

const PHONE = '13812345678';

describe('password policy', () => {
  it.each([
    { what: 'three classes, long enough', password: 'liuwa-password-1', broken: [] },
    { what: 'all four classes', password: 'Jingzhuang#2026', broken: [] },
    { what: 'Chinese characters count as other symbols', password: '靖庄村abc12345', broken: [] },
    { what: 'too short', password: 'Ab1-xyz', broken: ['auth.password_too_short'] },
    { what: 'exactly ten characters is enough', password: 'Abcdefgh1-', broken: [] },
    { what: 'only two classes', password: 'abcdefgh12345', broken: ['auth.password_too_simple'] },
    { what: 'only digits and short', password: '123456', broken: ['auth.password_too_short', 'auth.password_too_simple'] },
    { what: 'the phone number itself', password: PHONE, broken: ['auth.password_too_simple', 'auth.password_has_phone'] },
    { what: 'containing the phone number', password: `Zhang-${PHONE}`, broken: ['auth.password_has_phone'] },
    { what: 'the phone number split by dashes', password: 'Zz-138-1234-5678', broken: ['auth.password_has_phone'] },
    { what: "the phone's last eight digits", password: 'Wang-12345678', broken: ['auth.password_has_phone'] },
    { what: 'the demo password', password: 'xingping2026', broken: ['auth.password_too_simple', 'auth.password_common'] },
    { what: 'the demo password dressed up', password: 'Xingping2026!', broken: ['auth.password_common'] },
    { what: 'a leaked-list favourite', password: 'Admin@12345', broken: ['auth.password_common'] },
    { what: 'far too long', password: `Aa1-${'x'.repeat(200)}`, broken: ['auth.password_too_long'] },
  ])('$what → $broken', ({ password, broken }) => {
    expect(passwordProblems(password, PHONE).map((p) => p.code)).toEqual(broken);
  });

  it('refuses with the first broken rule and lists every one, in the caller’s language', () => {
    let error: unknown;
    try {
      assertPasswordPolicy('138123', PHONE, { locale: 'en', path: 'newPassword' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.status).toBe(400);
    expect(appError.code).toBe('auth.password_too_short');
    expect(appError.details).toEqual([
      { path: 'newPassword', code: 'auth.password_too_short', message: 'The password needs at least 10 characters' },
      { path: 'newPassword', code: 'auth.password_too_simple', message: 'The password needs at least 3 of: lowercase letters, uppercase letters, digits, other symbols' },
    ]);
  });
});
