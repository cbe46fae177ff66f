import { refuseWhileMoving } from '../../../tenancy/placement';
import type { Context } from 'hono';
import { Hono } from '../../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../../app-env';
import { allow } from '../../../auth/guard';
import type { Role } from '../../../db/schema';
import { AppError, badRequest, conflict } from '../../../platform/errors';
import { translate } from '../../../platform/i18n';
import { input } from '../../../platform/validate';
import { contentDisposition } from '../../../platform/download';
import { ownVillage } from '../village-access';
import { audit } from '../../../audit/record';
import { readTable } from '../../../platform/tables/read-table';
import { exportRecords, insertRecords, loadImportContext } from './roster-store';
import { ROSTER_COLUMNS, ROSTER_TITLES, type ColumnSpec, type Roster } from './roster-columns';
import { MAX_IMPORT_ROWS, validateRoster } from './rules';
import type { RowError } from '../../../platform/tables/table-import';
import { toCsv } from '../../../platform/tables/csv';
import { writeXlsx, type XlsxCell } from '../../../platform/tables/xlsx';
import { shanghaiDate } from '../../../domain/calendar';

/** Who may import or export each roster: villages are the township's; a secretary handles their own village's people. */
const ROLES: Record<Roster, Role[]> = {
  villages: ['township_admin'],
  members: ['township_admin', 'village_secretary'],
  households: ['township_admin', 'village_secretary'],
};

/** How many row errors a reply lists (the count is always complete). */
const MAX_LISTED_ERRORS = 200;
const SAMPLE_ROWS = 20;

const upload = z.object({ file: z.instanceof(File) });

async function analyse(c: Context<AppEnv>, roster: Roster, file: File) {
  const table = readTable(new Uint8Array(await file.arrayBuffer()));
  const dataRows = table.filter((cells) => cells.some((cell) => cell.trim() !== '')).length - 1;
  if (dataRows > MAX_IMPORT_ROWS) throw badRequest('import.too_many_rows', { max: MAX_IMPORT_ROWS });
  const own = ownVillage(c.var.actor);
  const context = await loadImportContext(c.var.scope!, roster, own);
  const result = validateRoster(roster, table, context);
  if (result.rows === 0 && !result.errors.length) throw badRequest('import.empty');
  const errors = result.errors.slice(0, MAX_LISTED_ERRORS).map((e: RowError) => ({
    row: e.row,
    column: e.column,
    code: e.code,
    message: translate(c.var.locale, e.code, e.params),
  }));
  const villageNames = new Map([...context.villages].map(([name, id]) => [id, name]));
  return { result, errors, villageNames };
}

function exportCell(spec: ColumnSpec, row: Record<string, unknown>): XlsxCell {
  const value = row[spec.key];
  if (value === null || value === undefined) return '';
  if (spec.kind === 'flag') return value ? '是' : '否';
  if (spec.kind === 'gender') return value === 'male' ? '男' : value === 'female' ? '女' : '';
  return value as XlsxCell;
}

function attachment(c: Context<AppEnv>, roster: Roster, extension: 'csv' | 'xlsx') {
  const day = shanghaiDate();
  const name = `${ROSTER_TITLES[roster]}-${day}.${extension}`;
  c.header('Content-Disposition', contentDisposition(name, `${roster}-${day}.${extension}`));
  c.header('Cache-Control', 'no-store');
}

/** One roster's import and export routes, chained so that the pages' client knows their paths and answers. */
function rosterFiles<R extends Roster>(roster: R) {
  const guard = allow(...ROLES[roster]);
  const exportRows = async (c: Context<AppEnv>, format: 'csv' | 'xlsx') => {
    const specs = ROSTER_COLUMNS[roster];
    await refuseWhileMoving(c, c.var.tenant!.countyId);
    const rows = await exportRecords(c.var.scope!, roster, ownVillage(c.var.actor));
    // who downloaded which roster file: an export of personal data
    await c.var.db.batch([audit(c, { action: `export.${roster}`, entity: roster, summary: { format, rows: rows.length, villageId: ownVillage(c.var.actor) ?? null } })]);
    return [specs.map((s) => s.header), ...rows.map((row) => specs.map((spec) => exportCell(spec, row)))];
  };

  return new Hono<AppEnv>()
    .post(`/imports/${roster}/preview`, guard, input('form', upload), async (c) => {
      const { result, errors, villageNames } = await analyse(c, roster, c.req.valid('form').file);
      const sample = result.records.slice(0, SAMPLE_ROWS).map((record) => {
        const r = record as unknown as Record<string, unknown>;
        return 'villageId' in r ? { ...r, villageName: villageNames.get(r.villageId as string) } : r;
      });
      return c.json({ rows: result.rows, valid: result.records.length, errorCount: result.errors.length, errors, sample });
    })
    .post(`/imports/${roster}/commit`, guard, input('form', upload), async (c) => {
      const { result, errors } = await analyse(c, roster, c.req.valid('form').file);
      if (result.errors.length) throw new AppError(400, 'import.has_errors', { count: result.errors.length }, errors);
      try {
        const records = result.records.map(({ row: _, ...record }) => record);
        const inserted = await insertRecords(c.var.scope!, roster, records as never, [
          audit(c, { action: `import.${roster}`, entity: roster, summary: { rows: records.length } }),
        ]);
        return c.json({ inserted });
      } catch (error) {
        // another commit (the same file sent twice, say) added some of these rows since they were read: the batch's
        // guards (a village's unique name, roster-store's key counts) refused it whole; checked again, they are there
        if ((await analyse(c, roster, c.req.valid('form').file)).result.errors.length) throw conflict('import.changed');
        throw error;
      }
    })
    .get(`/exports/${roster}.csv`, guard, async (c) => {
      const body = toCsv(await exportRows(c, 'csv'));
      attachment(c, roster, 'csv');
      return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    })
    .get(`/exports/${roster}.xlsx`, guard, async (c) => {
      const bytes = writeXlsx(ROSTER_TITLES[roster], await exportRows(c, 'xlsx'), ROSTER_COLUMNS[roster].map((s) => s.width ?? 10));
      attachment(c, roster, 'xlsx');
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
    });
}

/**
 * Bulk import (upload → preview with row errors → commit, all or nothing) and export of the rosters in the
 * spreadsheet formats townships keep them in. The export of a roster imports again unchanged.
 */
export const rosterFileRoutes = new Hono<AppEnv>().route('/', rosterFiles('villages')).route('/', rosterFiles('members')).route('/', rosterFiles('households'));
