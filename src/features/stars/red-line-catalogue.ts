import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { redLineRules } from '../../db/schema';
import { TenantScope } from '../../db/tenant-scope';
import { DEFAULT_LOCALE, translate, type MessageKey } from '../../platform/i18n';
import type { ComputedSource } from './rules';

interface DefaultRule {
  code: string;
  mode: 'computed' | 'manual';
  source?: ComputedSource;
  threshold?: number;
  /** off until the township switches it on */
  enabled?: boolean;
}

/**
 * The ten red lines every township starts with (it may edit, enable, disable or add to them). Six are judged
 * from data this product holds (rosters, income, the weak-village ledger, 四议三审两公开 matters, the
 * problem lists, the organisation-life records); the others are recorded by hand.
 */
const DEFAULT_RED_LINES: DefaultRule[] = [
  { code: 'reserve_cadres', mode: 'computed', source: 'reserve_cadres', threshold: 2 },
  { code: 'income_floor', mode: 'computed', source: 'income_floor', threshold: 5_000_000 },
  { code: 'infrastructure', mode: 'manual' },
  { code: 'discipline', mode: 'manual' },
  { code: 'weak_lax', mode: 'computed', source: 'weak_list', threshold: 1 },
  { code: 'decisions', mode: 'computed', source: 'irregular_decisions', threshold: 1 },
  { code: 'rectification_overdue', mode: 'computed', source: 'overdue_problems', threshold: 1 },
  { code: 'safety_incident', mode: 'manual' },
  { code: 'petition', mode: 'manual' },
  // off by default: a township's past meetings are not recorded yet, and until they are it would cap every branch
  { code: 'org_life', mode: 'computed', source: 'org_life', threshold: 1, enabled: false },
];

const defaultTitleKey = (code: string) => `stars.redline.${code}` as MessageKey;
const isDefaultCode = (code: string) => DEFAULT_RED_LINES.some((r) => r.code === code);

/** The title shown to a caller: a default rule whose title was never edited follows the caller's language. */
export function displayTitle(rule: { code: string; title: string }, inCallersLanguage: (key: MessageKey) => string): string {
  if (isDefaultCode(rule.code) && rule.title === translate(DEFAULT_LOCALE, defaultTitleKey(rule.code))) return inCallersLanguage(defaultTitleKey(rule.code));
  return rule.title;
}

/** Seeds the default catalogue once per tenant (idempotent: the unique (tenant, code) index skips existing rules). */
async function ensureDefaultRedLines(db: Db, tenantId: string): Promise<void> {
  const scope = new TenantScope(db, tenantId);
  const existing = await db.select({ code: redLineRules.code }).from(redLineRules).where(scope.where(redLineRules)).limit(1);
  if (existing.length) return;
  const rows = DEFAULT_RED_LINES.map((rule, i) => ({
    code: rule.code,
    title: translate(DEFAULT_LOCALE, defaultTitleKey(rule.code)),
    mode: rule.mode,
    source: rule.source ?? null,
    threshold: rule.threshold ?? null,
    enabled: rule.enabled ?? true,
    sortOrder: (i + 1) * 10,
  }));
  // D1 binds at most 100 parameters per statement: two statements, one batch
  await db.batch([scope.insert(redLineRules, rows.slice(0, 5)).onConflictDoNothing(), scope.insert(redLineRules, rows.slice(5)).onConflictDoNothing()]);
}

export async function listRedLineRules(db: Db, tenantId: string) {
  await ensureDefaultRedLines(db, tenantId);
  const scope = new TenantScope(db, tenantId);
  return db.select().from(redLineRules).where(scope.where(redLineRules)).orderBy(asc(redLineRules.sortOrder), asc(redLineRules.createdAt));
}
