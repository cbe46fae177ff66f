import { households, members, villages } from '../db/schema';
import { newId } from '../platform/ids';
import { address, mobile, personName, villageNames } from './names';
import type { Random } from './random';

export interface TownshipShape {
  villages: number;
  membersPerVillage: [number, number];
  householdsPerVillage: [number, number];
  /** names that must appear first (e.g. the villages named in the source) */
  knownVillages?: string[];
}

export interface TownshipRows {
  villages: (typeof villages.$inferInsert)[];
  members: (typeof members.$inferInsert)[];
  households: (typeof households.$inferInsert)[];
}

/** Plausible rosters of one township: pure, deterministic for a given random source. */
export function generateTownship(random: Random, tenantId: string, shape: TownshipShape): TownshipRows {
  const rows: TownshipRows = { villages: [], members: [], households: [] };
  for (const name of villageNames(random, shape.villages, shape.knownVillages)) {
    const villageId = newId();
    rows.villages.push({ id: villageId, tenantId, name, branchName: `${name}村党支部` });
    const memberCount = random.int(...shape.membersPerVillage);
    for (let i = 0; i < memberCount; i++) {
      const isSecretary = i === 0;
      rows.members.push({
        id: newId(),
        tenantId,
        villageId,
        name: personName(random),
        gender: random.chance(0.7) ? 'male' : 'female',
        phone: mobile(random),
        ...memberYears(random),
        isSecretary,
        isCommittee: isSecretary || i < 5,
        isReserveCadre: !isSecretary && random.chance(0.08),
      });
    }
    const householdCount = random.int(...shape.householdsPerVillage);
    for (let i = 0; i < householdCount; i++) {
      rows.households.push({
        id: newId(),
        tenantId,
        villageId,
        headName: personName(random),
        address: address(random, name),
        phone: random.chance(0.8) ? mobile(random) : null,
        size: random.int(1, 7),
        isHardship: random.chance(0.05),
        isCriticallyIll: random.chance(0.02),
        isEmptyNest: random.chance(0.08),
        isLeftBehind: random.chance(0.04),
        isPetitioner: random.chance(0.01),
      });
    }
  }
  return rows;
}

function memberYears(random: Random) {
  const birthYear = random.int(1945, 1998);
  return { birthYear, joinedYear: Math.min(2025, birthYear + random.int(20, 45)) };
}
