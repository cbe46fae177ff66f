import { describe, expect, it } from 'vitest';
import { closedOnConsistent, tallyDisputes } from './rules';

describe('dispute ledger', () => {
  it.each([
    ['a case in mediation has no closing date', 'in_mediation', null, true],
    ['a case in mediation with a closing date is inconsistent', 'in_mediation', '2026-03-01', false],
    ['a settled case needs its closing date', 'settled', null, false],
    ['a settled case with its date', 'settled', '2026-03-01', true],
    ['a case guided to court with its date', 'guided_to_court', '2026-03-01', true],
  ] as const)('%s', (_, status, closedOn, ok) => {
    expect(closedOnConsistent(status, closedOn)).toBe(ok);
  });

  it('tallies the township as the brief counts it (24 settled, 6 to court, 7 in mediation)', () => {
    const tally = tallyDisputes([
      { villageId: 'a', villageName: '靖庄', status: 'settled', n: 20 },
      { villageId: 'a', villageName: '靖庄', status: 'in_mediation', n: 7 },
      { villageId: 'b', villageName: '刘洼', status: 'settled', n: 4 },
      { villageId: 'b', villageName: '刘洼', status: 'guided_to_court', n: 6 },
    ]);
    expect(tally.township).toEqual({ settled: 24, guided_to_court: 6, in_mediation: 7, total: 37 });
    expect(tally.villages).toEqual([
      { villageId: 'a', villageName: '靖庄', settled: 20, guided_to_court: 0, in_mediation: 7, total: 27 },
      { villageId: 'b', villageName: '刘洼', settled: 4, guided_to_court: 6, in_mediation: 0, total: 10 },
    ]);
  });
});
