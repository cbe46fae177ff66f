import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call, tenant, tenantApi, type AnswerOf } from '../../shared/api';
import { can } from '../session';
import { t, type MessageKey } from '../t';
import type { ComponentChildren } from 'preact';
import { ErrorBox, Table, useSubmit, type Submitter } from '../ui';
import { Tabs } from './ledgers-common';

/** The roster import routes of a township, one set per roster (villages, members, households). */
const importsClient = (slug: string) => tenant(slug).imports;
type Roster = keyof ReturnType<typeof importsClient>;
type Preview = AnswerOf<ReturnType<typeof importsClient>[Roster]['preview']['$post']>;

/** Columns of the preview table: the record fields the import API returns, under the app's labels. */
const SAMPLE_COLUMNS: Record<Roster, { key: string; label: MessageKey; flag?: boolean; gender?: boolean }[]> = {
  villages: [
    { key: 'name', label: 'villages.name' },
    { key: 'branchName', label: 'villages.branch' },
  ],
  members: [
    { key: 'villageName', label: 'common.village' },
    { key: 'name', label: 'field.name' },
    { key: 'gender', label: 'field.gender', gender: true },
    { key: 'phone', label: 'field.phone' },
    { key: 'birthYear', label: 'field.birthYear' },
    { key: 'joinedYear', label: 'field.joinedYear' },
    { key: 'isCommittee', label: 'field.isCommittee', flag: true },
    { key: 'isSecretary', label: 'field.isSecretary', flag: true },
    { key: 'isReserveCadre', label: 'field.isReserveCadre', flag: true },
  ],
  households: [
    { key: 'villageName', label: 'common.village' },
    { key: 'headName', label: 'field.headName' },
    { key: 'address', label: 'field.address' },
    { key: 'phone', label: 'field.phone' },
    { key: 'size', label: 'field.size' },
    { key: 'isHardship', label: 'field.isHardship', flag: true },
    { key: 'isCriticallyIll', label: 'field.isCriticallyIll', flag: true },
    { key: 'isEmptyNest', label: 'field.isEmptyNest', flag: true },
    { key: 'isLeftBehind', label: 'field.isLeftBehind', flag: true },
    { key: 'isPetitioner', label: 'field.isPetitioner', flag: true },
  ],
};

function cell(value: unknown, column: { flag?: boolean; gender?: boolean }): string {
  if (value === null || value === undefined) return '';
  if (column.flag) return value ? t('common.yes') : '';
  if (column.gender) return value === 'male' ? t('field.gender.male') : value === 'female' ? t('field.gender.female') : '';
  return String(value);
}

const upload = (file: File) => ({ form: { file } });

/** Import per roster: choose a file → preview with row errors → commit only when every row is valid; and export links. */
export function ImportPage(props: { slug: string }) {
  const { query, route } = useLocation();
  const rosters: Roster[] = can('township_admin') ? ['villages', 'members', 'households'] : ['members', 'households'];
  const roster: Roster = rosters.includes(query.roster as Roster) ? (query.roster as Roster) : rosters[0];
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<Preview>();
  const [inserted, setInserted] = useState<number>();
  const [inputKey, setInputKey] = useState(0);

  const check = useSubmit(async (chosen: File) => {
    setPreview(undefined);
    setInserted(undefined);
    setFile(chosen);
    setPreview(await call(importsClient(props.slug)[roster].preview.$post(upload(chosen))));
  });
  const commit = useSubmit(async () => {
    const result = await call(importsClient(props.slug)[roster].commit.$post(upload(file!)));
    setInserted(result.inserted);
    setPreview(undefined);
    setFile(undefined);
    setInputKey((k) => k + 1);
  });
  const choose = (next: Roster) => {
    setPreview(undefined);
    setFile(undefined);
    setInserted(undefined);
    check.setError(undefined);
    commit.setError(undefined);
    setInputKey((k) => k + 1);
    route(`/t/${props.slug}/import?roster=${next}`, true);
  };
  const columns = SAMPLE_COLUMNS[roster];

  return (
    <section>
      <h1>{t('import.title')}</h1>
      <Tabs value={roster} options={rosters.map((r) => ({ key: r, label: t(`import.roster.${r}`) }))} onChange={choose} />

      <div class="card">
        <h2>{t('import.export')}</h2>
        <p class="muted">{t('import.export_hint')}</p>
        <div class="form-actions">
          <a class="button-link" href={tenantApi(`/exports/${roster}.csv`, props.slug)} download>
            {t('import.export_csv')}
          </a>
          <a class="button-link" href={tenantApi(`/exports/${roster}.xlsx`, props.slug)} download>
            {t('import.export_xlsx')}
          </a>
        </div>
      </div>

      <div class="card">
        <SpreadsheetPicker id="import-file" resetKey={inputKey} file={file} onChoose={(chosen) => check.run(chosen)} />
        {check.busy && <p class="loading">{t('import.checking')}</p>}
        <ErrorBox error={check.error ?? commit.error} />
        {inserted !== undefined && (
          <p class="ok" role="status">
            {t('import.done', { n: inserted })}
          </p>
        )}
      </div>

      {preview && (
        <ImportPreview
          preview={preview}
          summary={t('import.summary', { rows: preview.rows, valid: preview.valid, errors: preview.errorCount })}
          commit={commit}
          commitLabel={t('import.commit', { n: preview.valid })}
          head={
            <tr>
              <th scope="col" class="num">{t('import.row')}</th>
              {columns.map((c) => (
                <th key={c.key} scope="col">{t(c.label)}</th>
              ))}
            </tr>
          }
        >
          {preview.sample.map((record) => (
            <tr key={record.row}>
              <td class="num">{record.row}</td>
              {columns.map((c) => (
                <td key={c.key}>{cell(record[c.key], c)}</td>
              ))}
            </tr>
          ))}
        </ImportPreview>
      )}
    </section>
  );
}

/**
 * The preview of an import: the summary, the row errors, a sample of the records (`head` and the rows as children)
 * and, only when every row is valid, the button that commits them all.
 */
export function ImportPreview(props: {
  preview: { valid: number; errorCount: number; errors: { row: number; column: string; message: string }[]; sample: unknown[] };
  summary: string;
  commit: Submitter;
  commitLabel: string;
  head: ComponentChildren;
  children: ComponentChildren;
}) {
  const { preview, commit } = props;
  return (
    <div class="card preview" aria-live="polite">
      <p class={preview.errorCount ? 'error' : 'ok'} role="status">
        {props.summary}
      </p>
      <ImportRowErrors errors={preview.errors} errorCount={preview.errorCount} />
      {preview.sample.length > 0 && (
        <>
          <h2>{t('import.sample_title', { n: preview.sample.length })}</h2>
          <Table head={props.head}>{props.children}</Table>
        </>
      )}
      {preview.errorCount === 0 && preview.valid > 0 && (
        <div class="form-actions">
          <button type="button" disabled={commit.busy} onClick={() => commit.run()}>
            {commit.busy ? t('import.committing') : props.commitLabel}
          </button>
        </div>
      )}
    </div>
  );
}

/** The row errors of an import preview, as the API words them (row as in Excel, Chinese column header, message). */
export function ImportRowErrors(props: { errors: { row: number; column: string; message: string }[]; errorCount: number }) {
  const { errors, errorCount } = props;
  if (errorCount === 0) return null;
  return (
    <>
      <h2>{t('import.errors_title')}</h2>
      <Table
        class="row-errors"
        head={
          <tr>
            <th scope="col" class="num">{t('import.row')}</th>
            <th scope="col">{t('import.column')}</th>
            <th scope="col">{t('import.problem')}</th>
          </tr>
        }
      >
        {errors.map((e, i) => (
          <tr key={i}>
            <td class="num">{e.row}</td>
            <td>{e.column}</td>
            <td class="wrap">{e.message}</td>
          </tr>
        ))}
      </Table>
      {errors.length < errorCount && <p class="muted">{t('import.errors_more', { shown: errors.length, total: errorCount })}</p>}
      <p>{t('import.fix_and_retry')}</p>
    </>
  );
}

/** The file picker of an import: CSV or XLSX, one file; `resetKey` clears it after a commit. */
export function SpreadsheetPicker(props: { id: string; resetKey: number | string; file?: File | null; onChoose(file: File): void }) {
  return (
    <div class="file-pick">
      <input
        key={props.resetKey}
        id={props.id}
        class="sr-only"
        type="file"
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange={(e) => {
          const chosen = e.currentTarget.files?.[0];
          if (chosen) props.onChoose(chosen);
        }}
      />
      <label for={props.id} class="file-button">
        {t('import.choose_file')}
      </label>
      {props.file && <span class="muted">{props.file.name}</span>}
    </div>
  );
}
