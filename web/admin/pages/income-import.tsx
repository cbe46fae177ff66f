import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { yuan } from '../../shared/i18n';
import { t } from '../t';
import { ErrorBox, useSubmit } from '../ui';
import { categoryLabel } from './stars-common';
import { ImportPreview, SpreadsheetPicker } from './import';

const imports = (slug: string) => tenant(slug).income.imports;
type Preview = AnswerOf<ReturnType<typeof imports>['preview']['$post']>;
/** The upload both steps send: the file and the year it is for. */
const upload = (file: File, year: number) => ({ form: { file, year: String(year) } });

/** Income from a CSV or XLSX ledger: choose a file → preview with row errors → commit all rows or none. */
export function IncomeImport(props: { slug: string; year: number }) {
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<Preview>();
  const [done, setDone] = useState<AnswerOf<ReturnType<typeof imports>['commit']['$post']>>();
  const [inputKey, setInputKey] = useState(0);
  const check = useSubmit(async (chosen: File) => {
    setPreview(undefined);
    setDone(undefined);
    setFile(chosen);
    setPreview(await call(imports(props.slug).preview.$post(upload(chosen, props.year))));
  });
  const commit = useSubmit(async () => {
    setDone(await call(imports(props.slug).commit.$post(upload(file!, props.year))));
    setPreview(undefined);
    setFile(undefined);
    setInputKey((k) => k + 1);
  });

  return (
    <>
      <div class="card">
        <p class="muted">{t('income.import_hint')}</p>
        <p>
          {t('income.import_year')}:<strong>{t('stars.year_label', { year: props.year })}</strong>
        </p>
        <SpreadsheetPicker id="income-file" resetKey={inputKey} file={file} onChoose={(chosen) => check.run(chosen)} />
        {check.busy && <p class="loading">{t('import.checking')}</p>}
        <ErrorBox error={check.error ?? commit.error} />
        {done && (
          <p class="ok" role="status">
            {t('income.import_done', { n: done.inserted, amount: yuan(done.totalFen) })}
          </p>
        )}
      </div>

      {preview && (
        <ImportPreview
          preview={preview}
          summary={t('income.import_summary', { rows: preview.rows, valid: preview.valid, errors: preview.errorCount, amount: yuan(preview.totalFen) })}
          commit={commit}
          commitLabel={t('income.import_commit', { n: preview.valid })}
          head={
            <tr>
              <th scope="col" class="num">{t('import.row')}</th>
              <th scope="col">{t('common.village')}</th>
              <th scope="col">{t('stars.year')}</th>
              <th scope="col">{t('income.category')}</th>
              <th scope="col" class="num">{t('income.amount')}</th>
              <th scope="col">{t('income.note')}</th>
            </tr>
          }
        >
          {preview.sample.map((r) => (
            <tr key={r.row}>
              <td class="num">{r.row}</td>
              <td>{r.villageName}</td>
              <td>{r.year}</td>
              <td>{categoryLabel(r.category)}</td>
              <td class="num amount">{yuan(r.amountFen)}</td>
              <td class="wrap">{r.note}</td>
            </tr>
          ))}
        </ImportPreview>
      )}
    </>
  );
}
