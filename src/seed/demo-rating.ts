/**
 * The demo township's 评星定级: last year's chain ran to the end (every branch nominated, scored,
 * confirmed by the county and, for five stars, the city, on notice, named with plaques), matching the
 * levels the January job finalised; this year's nominations closed yesterday, so the township may press
 * 评定 at once and the county and city organisers carry it on. Written as rows (no audit trail: the
 * branch timelines start with what is done in the demo itself), deterministic, in one batch.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { annualResults, plaques, ratingEntries, ratingYears } from '../db/schema';
import { noticeEndDate } from '../domain/holidays';
import { newId } from '../platform/ids';
import { addDays, noonOf, type DemoCalendar } from './demo-dates';

const LEVELS = ['', '一星级', '二星级', '三星级', '四星级', '五星级'] as const;

const statement = (village: string, stars: number) => `${village}村党支部班子团结，“三会一课”、主题党日按时开展，党员联户全覆盖，申请评定为${LEVELS[stars]}。`;
const dutyReport = (village: string, year: number) =>
  `${year}年度述职述廉：${village}村党支部书记带领班子落实“四议三审两公开”，发展村集体经济，按月公开村务、财务，本人廉洁自律，无违规违纪问题。`;

/** Each branch's result of a year (final or provisional, whichever is live), by village. */
async function branchResults(db: Db, tenantId: string, year: number) {
  return db
    .select({ villageId: annualResults.villageId, composite: annualResults.composite, finalStars: annualResults.finalStars, stage: annualResults.stage })
    .from(annualResults)
    .where(and(eq(annualResults.tenantId, tenantId), eq(annualResults.year, year), eq(annualResults.subjectKind, 'branch'), isNull(annualResults.reopeningId)))
    .orderBy(asc(annualResults.villageId));
}

export async function seedRating(
  db: Db,
  tenantId: string,
  villages: { id: string; name: string }[],
  calendar: DemoCalendar,
  by: { secretary: { villageId: string; accountId: string }; admin: string; county: string; city: string },
) {
  const nameOf = new Map(villages.map((v) => [v.id, v.name]));
  const nominator = (villageId: string) => (villageId === by.secretary.villageId ? by.secretary.accountId : 'demo');
  const last = calendar.lastYear;
  const noticeStartsOn = `${last}-12-08`;
  const noticeEndsOn = noticeEndDate(noticeStartsOn, 5).end;
  const namedAt = noonOf(addDays(noticeEndsOn, 3));
  const final = (await branchResults(db, tenantId, last)).filter((r) => r.stage === 'final' && r.finalStars !== null);
  const lastEntries = final.map((r, i) => {
    const stars = r.finalStars!;
    // a few branches applied for one level more than they were named
    const applied = Math.min(5, stars + (i % 4 === 0 ? 1 : 0));
    return {
      id: newId(),
      tenantId,
      year: last,
      villageId: r.villageId,
      status: 'named' as const,
      appliedStars: applied,
      statement: statement(nameOf.get(r.villageId) ?? '', applied),
      dutyReport: dutyReport(nameOf.get(r.villageId) ?? '', last),
      nominatedAt: noonOf(`${last}-11-10`),
      nominatedBy: nominator(r.villageId),
      scoredStars: stars,
      composite: r.composite,
      proposedStars: stars,
      proposedAt: noonOf(`${last}-11-20`),
      recheckedBy: by.county,
      recheckedAt: noonOf(`${last}-11-27`),
      cityCheckedBy: stars === 5 ? by.city : null,
      cityCheckedAt: stars === 5 ? noonOf(`${last}-12-03`) : null,
      version: 4,
    };
  });
  const lastPlaques = lastEntries
    .filter((e) => e.proposedStars >= 4)
    .map((e) => ({
      id: newId(),
      tenantId,
      year: last,
      villageId: e.villageId,
      kind: e.proposedStars === 5 ? ('city_five_star' as const) : ('county_four_star' as const),
      awardedBy: e.proposedStars === 5 ? by.city : by.county,
      issuedAt: namedAt,
    }));
  // this year: two branches in three nominated before yesterday's deadline, applying for the level their evaluation points to
  const current = await branchResults(db, tenantId, calendar.year);
  const deadline = addDays(calendar.today, -1);
  const thisEntries = current
    .filter((_, i) => i % 3 !== 2)
    .map((r, i) => {
      const applied = Math.min(5, (r.finalStars ?? 3) + (i % 5 === 0 ? 1 : 0));
      return {
        id: newId(),
        tenantId,
        year: calendar.year,
        villageId: r.villageId,
        status: 'nominated' as const,
        appliedStars: applied,
        statement: statement(nameOf.get(r.villageId) ?? '', applied),
        dutyReport: dutyReport(nameOf.get(r.villageId) ?? '', calendar.year),
        nominatedAt: noonOf(addDays(deadline, -(i % 7))),
        nominatedBy: nominator(r.villageId),
      };
    });
  const statements: BatchItem<'sqlite'>[] = [
    db.insert(ratingYears).values([
      { tenantId, year: last, step: 'named', nominationDeadline: `${last}-11-15`, noticeStartsOn, noticeEndsOn, namedAt, namedBy: by.admin },
      { tenantId, year: calendar.year, step: 'nomination', nominationDeadline: deadline },
    ]),
  ];
  // a few hundred rows at most, in statements small enough for D1's bound-parameter limit
  for (const rows of [lastEntries, thisEntries]) for (let i = 0; i < rows.length; i += 4) statements.push(db.insert(ratingEntries).values(rows.slice(i, i + 4)));
  for (let i = 0; i < lastPlaques.length; i += 10) statements.push(db.insert(plaques).values(lastPlaques.slice(i, i + 10)));
  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return { named: lastEntries.length, plaques: lastPlaques.length, nominated: thisEntries.length };
}
