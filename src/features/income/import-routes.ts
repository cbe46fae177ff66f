import type { Context } from 'hono';
import { Hono } from '../../platform/hono';
import { audit } from '../../audit/record';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { actorId } from '../../auth/actor';
import { allow } from '../../auth/guard';
import { incomeEntries, incomeEntryRevisions, villages } from '../../db/schema';
import { AppError, badRequest } from '../../platform/errors';
import { translate } from '../../platform/i18n';
import { newId } from '../../platform/ids';
import { shanghaiYear } from '../../platform/time';
import { input, yearText } from '../../platform/validate';
import { readTable } from '../../platform/tables/read-table';
import { ownVillage } from '../rosters';
import { assertYearOpen } from '../stars';
import { MAX_INCOME_IMPORT_ROWS, validateIncomeTable } from './import-rules';

const upload = z.object({
  file: z.instanceof(File),
  /** the year of rows in a file without a year column */
  year: z.optional(yearText),
});

const MAX_LISTED_ERRORS = 200;
/** D1 binds at most 100 parameters per statement */
const ENTRY_ROWS = 8;
const REVISION_ROWS = 12;

async function analyse(c: Context<AppEnv>, form: z.output<typeof upload>) {
  const table = readTable(new Uint8Array(await form.file.arrayBuffer()));
  if (table.length - 1 > MAX_INCOME_IMPORT_ROWS) throw badRequest('import.too_many_rows', { max: MAX_INCOME_IMPORT_ROWS });
  const scope = c.var.scope!;
  const villageRows = await scope.db.select({ id: villages.id, name: villages.name }).from(villages).where(scope.where(villages));
  const result = validateIncomeTable(table, {
    villages: new Map(villageRows.map((v) => [v.name, v.id])),
    ownVillageId: ownVillage(c.var.actor),
    defaultYear: form.year,
    maxYear: shanghaiYear(),
  });
  if (result.rows === 0 && !result.errors.length) throw badRequest('import.empty');
  const errors = result.errors
    .slice(0, MAX_LISTED_ERRORS)
    .map((e) => ({ row: e.row, column: e.column, code: e.code, message: translate(c.var.locale, e.code, e.params) }));
  return { result, errors, villageNames: new Map(villageRows.map((v) => [v.id, v.name])) };
}

/** Income from a CSV or XLSX ledger: preview with row errors, then commit all rows or none (one batch). */
export const incomeImportRoutes = new Hono<AppEnv>()
  .post('/preview', allow('township_admin', 'village_secretary'), input('form', upload), async (c) => {
    const { result, errors, villageNames } = await analyse(c, c.req.valid('form'));
    const totalFen = result.records.reduce((sum, r) => sum + r.amountFen, 0);
    return c.json({
      rows: result.rows,
      valid: result.records.length,
      totalFen,
      errorCount: result.errors.length,
      errors,
      sample: result.records.slice(0, 20).map((r) => ({ ...r, villageName: villageNames.get(r.villageId) })),
    });
  })
  .post('/commit', allow('township_admin', 'village_secretary'), input('form', upload), async (c) => {
    const { result, errors } = await analyse(c, c.req.valid('form'));
    if (result.errors.length) throw new AppError(400, 'import.has_errors', { count: result.errors.length }, errors);
    const scope = c.var.scope!;
    for (const year of new Set(result.records.map((r) => r.year))) await assertYearOpen(scope.db, scope.tenantId, year);
    const by = actorId(c.var.actor);
    const entries = result.records.map(({ row: _, ...r }) => ({ id: newId(), ...r, createdBy: by }));
    const revisions = entries.map((e) => ({
      entryId: e.id,
      version: 1,
      action: 'import' as const,
      data: JSON.stringify({ villageId: e.villageId, year: e.year, category: e.category, amountFen: e.amountFen, note: e.note }),
      actorId: by,
    }));
    const statements = [];
    for (let i = 0; i < entries.length; i += ENTRY_ROWS) statements.push(scope.insert(incomeEntries, entries.slice(i, i + ENTRY_ROWS)));
    for (let i = 0; i < revisions.length; i += REVISION_ROWS) statements.push(scope.insert(incomeEntryRevisions, revisions.slice(i, i + REVISION_ROWS)));
    const totalFen = entries.reduce((sum, e) => sum + e.amountFen, 0);
    const batch = [...statements, audit(c, { action: 'import.income', entity: 'income_entry', summary: { rows: entries.length, totalFen } })];
    await scope.db.batch(batch as [(typeof batch)[0], ...typeof batch]);
    return c.json({ inserted: entries.length, totalFen }, 201);
  });
