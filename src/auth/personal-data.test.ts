import { describe, expect, it } from 'vitest';
import type { Role } from '../db/schema';
import type { Actor } from './actor';
import { seesPersonalDetails, withoutPersonalDetails } from './personal-data';

const user = (role: Role): Actor => ({ kind: 'user', accountId: 'a1', name: 'x', role });
const household = {
  id: 'h1',
  villageId: 'v1',
  headName: '张三',
  size: 3,
  address: '东街17号',
  phone: '13712345678',
  isHardship: true,
  isCriticallyIll: false,
  isEmptyNest: true,
  isLeftBehind: false,
  isPetitioner: false,
};

describe('who sees personal details', () => {
  it.each([
    { who: 'township admin', actor: user('township_admin'), sees: true },
    { who: 'village secretary', actor: user('village_secretary'), sees: true },
    { who: 'party member (their routes narrow to their own links)', actor: user('party_member'), sees: true },
    { who: 'a job', actor: { kind: 'system' } as Actor, sees: true },
    { who: 'county viewer', actor: user('county_viewer'), sees: false },
    { who: 'platform admin (no township role)', actor: user('platform_admin'), sees: false },
    { who: 'nobody', actor: undefined, sees: false },
  ])('$who → $sees', ({ actor, sees }) => {
    expect(seesPersonalDetails(actor)).toBe(sees);
    expect(withoutPersonalDetails(actor, household)).toEqual(sees ? household : { id: 'h1', villageId: 'v1', headName: '张三', size: 3 });
  });

  it.each([
    { what: 'a member: the phone goes, the name and flags stay', row: { name: '李四', phone: '13900000000', isCommittee: true }, kept: { name: '李四', isCommittee: true } },
    { what: "a dispute: the parties go", row: { title: '宅基地边界', parties: '王某与赵某', status: 'settled' }, kept: { title: '宅基地边界', status: 'settled' } },
    { what: 'a row without personal fields is unchanged', row: { villageId: 'v1', amountFen: 100 }, kept: { villageId: 'v1', amountFen: 100 } },
  ])('for a county viewer, $what', ({ row, kept }) => {
    expect(withoutPersonalDetails(user('county_viewer'), row)).toEqual(kept);
  });

  it('never changes the row it is given', () => {
    const row = { ...household };
    withoutPersonalDetails(user('county_viewer'), row);
    expect(row).toEqual(household);
  });
});
