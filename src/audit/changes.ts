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

/** Bookkeeping columns that say nothing about the change. */
const IGNORED = new Set(['tenantId', 'createdAt', 'updatedAt']);

export type Changes = Record<string, [unknown, unknown]>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const masked = (key: string, value: unknown) => (value === null || value === undefined ? null : MASKED_FIELDS.has(key) ? MASK : value);

/** before → after of the fields that differ (a create has no before, a delete no after), personal fields masked. */
export function diffOf(before: object | null | undefined, after: object | null | undefined): Changes {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: Changes = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (IGNORED.has(key)) continue;
    const from = before ? b[key] : undefined;
    const to = after ? a[key] : undefined;
    if (before && after && !(key in a)) continue; // a patch that does not name the field leaves it as it was
    if (same(from, to)) continue;
    changes[key] = [masked(key, from), masked(key, to)];
  }
  return changes;
}
