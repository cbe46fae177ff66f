/**
 * The story the demo township tells, decided up front as pure data: each village's income source and
 * amounts of last year and this year, the stars its evaluations aim at in both years, and the villages
 * that carry a particular story (a red line, a secretary replaced, a weak village turned around). The
 * figures follow the brief for 潘店镇 (DOMAIN.md §3): of 95 villages all earn at least ¥50,000 this year
 * and 38 at least ¥100,000, from 20 produce, 6 leasing, 42 land-contracting, 21 cooperative and 6
 * pasture villages; a township of another size gets the same shares.
 */
import type { IncomeCategory } from '../features/income';
import type { Stars } from '../domain/thresholds';
import type { Random } from './random';

/** Villages per income source in the source article (95 in all). */
export const CATEGORY_VILLAGES: Record<Exclude<IncomeCategory, 'other'>, number> = {
  produce: 20,
  leasing: 6,
  land_contracting: 42,
  cooperative: 21,
  pasture_land: 6,
};
const BRIEF_VILLAGES = 95;
/** of 95: villages at ≥ ¥100,000 this year */
const BRIEF_HIGH = 38;
/** of 95: this year's stars aimed at (the two measured villages take their own) */
const BRIEF_STARS: Record<Stars, number> = { 5: 6, 4: 36, 3: 46, 2: 7, 1: 0 };

export type Story =
  /** raw five stars, a cadre disciplined this year: the red line caps it at four */
  | 'discipline'
  /** two stars last year and this year: the secretary is replaced */
  | 'replace_secretary'
  /** a matter implemented this year without 四议三审两公开 (a computed red line) */
  | 'irregular_decision'
  /** on the weak-and-lax list until last year (two stars then), four stars now: 后进变先进 */
  | 'turned_around'
  /** fewer reserve cadres than the red line asks */
  | 'few_reserve_cadres';

export interface VillagePlan {
  name: string;
  category: Exclude<IncomeCategory, 'other'>;
  /** collective income in fen, last year and this year */
  incomeFen: { last: number; this: number };
  /** stars the evaluation ballots aim at (raw stars, before red lines); `this` is null where measured elsewhere */
  stars: { last: Stars; this: Stars | null };
  story?: Story;
}

/** Splits `total` in the brief's proportions (largest remainder), so that the parts sum to `total`. */
export function scaleCounts<K extends string>(shares: Record<K, number>, total: number): Record<K, number> {
  const keys = Object.keys(shares) as K[];
  const sum = keys.reduce((s, k) => s + shares[k], 0);
  const exact = keys.map((k) => ({ k, x: (shares[k] * total) / sum }));
  const out = Object.fromEntries(exact.map(({ k, x }) => [k, Math.floor(x)])) as Record<K, number>;
  let left = total - keys.reduce((s, k) => s + out[k], 0);
  for (const { k } of [...exact].sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)))) {
    if (left-- <= 0) break;
    out[k] += 1;
  }
  return out;
}

function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const yuanToFen = (yuan: number) => yuan * 100;
const clampStars = (n: number) => Math.min(5, Math.max(1, n)) as Stars;

/**
 * Plans every village of the township. `measured` holds villages whose stars this year come from ballots
 * cast elsewhere (the demo sessions of 靖庄 and 西腰): they are not aimed at, but last year is planned
 * one star below them (moved up) or equal.
 */
export function planDemo(random: Random, names: readonly string[], measured: ReadonlyMap<string, Stars | null>): VillagePlan[] {
  const n = names.length;
  const order = shuffle(random, names.filter((name) => !measured.has(name)));

  // this year's stars: the brief's shares, less the measured villages' own
  const bands = scaleCounts(BRIEF_STARS, n);
  for (const stars of measured.values()) if (stars && bands[stars] > 0) bands[stars] -= 1;
  // the stories need a five-star village and two at two stars, however small the township
  bands[5] = Math.max(1, bands[5]);
  bands[2] = Math.max(2, bands[2]);
  const planned = new Map<string, Stars>();
  let next = 0;
  for (const stars of [5, 2, 1, 4] as const) for (let i = 0; i < bands[stars] && next < order.length; i++) planned.set(order[next++], stars);
  while (next < order.length) planned.set(order[next++], 3);

  const stories = new Map<string, Story>();
  const pick = (stars: Stars, story: Story) => {
    const name = order.find((v) => planned.get(v) === stars && !stories.has(v));
    if (name) stories.set(name, story);
  };
  pick(5, 'discipline');
  pick(2, 'replace_secretary');
  pick(2, 'irregular_decision');
  pick(4, 'turned_around');
  pick(3, 'few_reserve_cadres');
  pick(3, 'few_reserve_cadres');

  const lastStars = (name: string, stars: Stars): Stars => {
    const story = stories.get(name);
    if (story === 'replace_secretary' || story === 'turned_around') return 2;
    if (stars === 2) return 3; // the other two-star villages slipped this year
    const r = random.next();
    if (r < 0.14) return clampStars(stars - 1); // moved up this year
    if (r < 0.2) return clampStars(stars + 1); // moved down
    return stars;
  };

  // income: the brief's source counts; the better-rated villages more often reach ¥100,000
  const categories = scaleCounts(CATEGORY_VILLAGES, n);
  const categoryOf = new Map<string, VillagePlan['category']>();
  // 西腰 and 岳刘 sell farm produce in the source article
  for (const name of ['西腰', '岳刘']) if (names.includes(name) && categories.produce > 0) {
    categoryOf.set(name, 'produce');
    categories.produce -= 1;
  }
  const pool = shuffle(
    random,
    (Object.keys(categories) as VillagePlan['category'][]).flatMap((c) => Array.from({ length: categories[c] }, () => c)),
  );
  for (const name of names) if (!categoryOf.has(name)) categoryOf.set(name, pool.pop()!);

  const highCount = Math.round((BRIEF_HIGH * n) / BRIEF_VILLAGES);
  const rank = names
    .map((name) => ({ name, key: (planned.get(name) ?? measured.get(name) ?? 3) + random.next() * 1.8 }))
    .sort((a, b) => b.key - a.key);
  const high = new Set(rank.slice(0, highCount).map((r) => r.name));

  return names.map((name) => {
    const thisYuan = high.has(name) ? random.int(1000, 2600) * 100 : random.int(520, 980) * 100;
    // last year a little lower: growth of 2–14 %, so a few villages were still below ¥50,000
    const lastYuan = Math.round((thisYuan * random.int(86, 98)) / 100 / 100) * 100;
    const thisStars = measured.has(name) ? (measured.get(name) ?? null) : planned.get(name)!;
    const last = thisStars === null ? 3 : measured.has(name) ? clampStars(name === '靖庄' ? thisStars - 1 : thisStars) : lastStars(name, thisStars);
    return {
      name,
      category: categoryOf.get(name)!,
      incomeFen: { last: yuanToFen(lastYuan), this: yuanToFen(thisYuan) },
      stars: { last, this: thisStars },
      ...(stories.has(name) ? { story: stories.get(name) } : {}),
    };
  });
}
