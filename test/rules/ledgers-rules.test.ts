import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/calendar';
import { parseYuan } from '../../src/domain/money';
import { timeline, type Stage } from '../../web/admin/pages/ledgers-rules';

describe('a matter amount typed in yuan', () => {
  it.each([
    ['360000', 36_000_000],
    ['360000.5', 36_000_050],
    ['360,000.05', 36_000_005],
    ['¥1,200', 120_000],
    [' 0.01 ', 1],
    ['0', 0],
  ])('%s → %i fen', (text, fen) => expect(parseYuan(text)).toBe(fen));

  it('is null when left empty', () => expect(parseYuan('   ')).toBeNull());

  it.each(['1.234', '-5', 'abc', '1e5', '3万', '1.2.3', '.5'])('refuses %s', (text) => expect(parseYuan(text)).toBeNaN());
});

describe('the Shanghai calendar date', () => {
  it.each([
    ['2026-12-31T15:59:59Z', '2026-12-31'],
    ['2026-12-31T16:00:00Z', '2027-01-01'],
    ['2026-03-01T00:00:00Z', '2026-03-01'],
  ])('%s is %s in Shanghai', (iso, date) => expect(shanghaiDate(new Date(iso))).toBe(date));
});

describe('the stage timeline', () => {
  const rec = (stage: Stage, id: string = stage) => ({ stage, id });
  const states = (rows: ReturnType<typeof timeline>) => rows.map((r) => `${r.stage}:${r.state}`);

  it('shows a new matter with the proposal due and the rest pending, in the fixed order', () => {
    const rows = timeline([], ['proposal']);
    expect(rows).toHaveLength(10);
    expect(states(rows).slice(0, 3)).toEqual(['proposal:due', 'discussion:pending', 'member_review:pending']);
  });

  it('repeats review_during as often as recorded and marks both follow-ups due', () => {
    const recorded = ['proposal', 'discussion', 'member_review', 'resolution', 'resolution_public', 'review_before', 'implementation'].map((s) => rec(s as Stage));
    const rows = timeline([...recorded, rec('review_during', 'r1'), rec('review_during', 'r2')], ['review_during', 'review_after']);
    expect(states(rows).slice(6)).toEqual([
      'implementation:done',
      'review_during:done',
      'review_during:done',
      'review_after:due',
      'result_public:pending',
    ]);
  });
});
