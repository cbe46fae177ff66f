import { PERSONAL_FIELDS } from '../auth/personal-data';

/**
 * Fields whose values never enter the audit trail: people's personal details (see auth/personal-data.ts),
 * secrets and signatures. The diff still says that such a field changed, so the event keeps its meaning
 * after the person's record is erased from the rosters (docs/audit.md, PIPL).
 */
export const MASKED_FIELDS: ReadonlySet<string> = new Set<string>([
  ...PERSONAL_FIELDS,
  'idNumber',
  'headPhone',
  'password',
  'passwordHash',
  'newPassword',
  'evidence',
  // a visit's findings and the household's request are visit records (docs/conventions.md)
  'findings',
  'request',
  'signature',
  'pin',
  'secret',
]);
export const MASK = '***';

/**
 * Fields masked for one entity only, where a key other entities use for plain facts is personal: a visit's
 * category (困难家庭, 危重病人, 空巢老人及留守儿童, 信访户) is the household's care tag; a ledger's or a matter's is not.
 */
const MASKED_OF_ENTITY: Readonly<Record<string, ReadonlySet<string>>> = { visit: new Set(['category']) };

/** Whether a field of the entity is masked in the trail. */
export const isMasked = (key: string, entity?: string) => MASKED_FIELDS.has(key) || (entity !== undefined && (MASKED_OF_ENTITY[entity]?.has(key) ?? false));

/** Bookkeeping columns that say nothing about the change. */
const IGNORED = new Set(['tenantId', 'createdAt', 'updatedAt']);

export type Changes = Record<string, [unknown, unknown]>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const masked = (key: string, value: unknown, entity?: string) => (value === null || value === undefined ? null : isMasked(key, entity) ? MASK : value);

/** before → after of the fields that differ (a create has no before, a delete no after), personal fields masked. */
export function diffOf(before: object | null | undefined, after: object | null | undefined, entity?: string): Changes {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: Changes = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (IGNORED.has(key)) continue;
    const from = before ? b[key] : undefined;
    const to = after ? a[key] : undefined;
    if (before && after && !(key in a)) continue; // a patch that does not name the field leaves it as it was
    if (same(from, to)) continue;
    changes[key] = [masked(key, from, entity), masked(key, to, entity)];
  }
  return changes;
}
