import { describe, expect, it } from 'vitest';
import { negotiateLocale, translate } from './i18n';

describe('message catalogue', () => {
  it.each([
    { explicit: undefined, accept: undefined, locale: 'zh-CN' },
    { explicit: undefined, accept: 'en-US,en;q=0.9', locale: 'en' },
    { explicit: 'zh-CN', accept: 'en-US', locale: 'zh-CN' },
    { explicit: 'en', accept: 'zh-CN', locale: 'en' },
  ])('chooses $locale for explicit=$explicit, Accept-Language=$accept', ({ explicit, accept, locale }) => {
    expect(negotiateLocale(explicit, accept)).toBe(locale);
  });

  it('fills parameters, translating those that are catalogue entries', () => {
    const params = { from: { message: 'problems.status.open' as const }, to: { message: 'problems.status.verified' as const } };
    expect(translate('zh-CN', 'problems.bad_transition', params)).toBe('问题状态不能从“待整改”改为“已验收”');
    expect(translate('en', 'problems.bad_transition', params)).toBe('A problem cannot move from "open" to "verified"');
    expect(translate('zh-CN', 'error.rate_limited', { seconds: 30 })).toBe('尝试次数过多，请 30 秒后再试');
  });
});
