import { useState } from 'preact/hooks';
import { ApiProblem, call, tenant, type AnswerOf } from '../../shared/api';
import { can } from '../session';
import { t, type MessageKey } from '../t';
import { ErrorBox, Field, ListBody, Table, useLoad } from '../ui';
import { shanghaiDate } from '../../../src/domain/calendar';
import { shanghaiYear } from './stars-common';
import { levelName } from './rating-branch';

type YearView = AnswerOf<ReturnType<typeof tenant>['rating']['years'][':year']['$get']>;
type Entry = YearView['entries'][number];

/** 自评申报: the secretary's self-nomination of the branch, on a phone: the level applied for, a statement, the 述职述廉 report. */
function NominationForm(props: { slug: string; year: number; entry?: Entry; deadline: string; onDone(): void }) {
  const [applied, setApplied] = useState(String(props.entry?.appliedStars ?? 4));
  const [statement, setStatement] = useState(props.entry?.statement ?? '');
  const [report, setReport] = useState(props.entry?.dutyReport ?? '');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await call(tenant(props.slug).rating.years[':year'].nomination.$put({ param: { year: String(props.year) }, json: { appliedStars: Number(applied), statement, dutyReport: report } }));
      setSaved(true);
      props.onDone();
    } catch (e) {
      setError(e instanceof ApiProblem ? e : new Error(String(e)));
    }
  };
  return (
    <form class="nomination" onSubmit={submit}>
      <p class="muted">{t('rating.deadline_hint', { deadline: props.deadline })}</p>
      <Field label={t('rating.applied_stars')}>
        {(id) => (
          <select id={id} value={applied} onChange={(e) => setApplied((e.target as HTMLSelectElement).value)}>
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={String(n)}>
                {levelName(n)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('rating.statement')}>{(id) => <textarea id={id} required maxLength={1000} rows={3} value={statement} onInput={(e) => setStatement((e.target as HTMLTextAreaElement).value)} />}</Field>
      <Field label={t('rating.duty_report')}>{(id) => <textarea id={id} required maxLength={5000} rows={8} value={report} onInput={(e) => setReport((e.target as HTMLTextAreaElement).value)} />}</Field>
      <ErrorBox error={error} />
      {saved && <p role="status">{t('rating.nomination_saved')}</p>}
      <div class="form-actions">
        <button type="submit">{t('rating.submit_nomination')}</button>
      </div>
    </form>
  );
}

/** 评星定级 of a township-year: the secretary's nomination, and every branch's entry with its status. */
export function RatingPage(props: { slug: string }) {
  const year = shanghaiYear();
  const view = useLoad(() => call(tenant(props.slug).rating.years[':year'].$get({ param: { year: String(year) } })), [props.slug, year]);
  const notOpen = view.error instanceof ApiProblem && view.error.status === 404;
  const entries = view.data?.entries ?? [];
  return (
    <section class="rating">
      <h1>{t('rating.page_title', { year })}</h1>
      {notOpen ? <p class="muted">{t('rating.not_open')}</p> : <ErrorBox error={view.error} />}
      {view.data && <p>{t('rating.current_step', { step: t(`rating.step.${view.data.step}` as MessageKey) })}</p>}
      {view.data && view.data.step === 'nomination' && shanghaiDate() <= view.data.nominationDeadline && can('village_secretary') && (
        <NominationForm slug={props.slug} year={year} entry={entries[0]} deadline={view.data.nominationDeadline} onDone={view.reload} />
      )}
      {view.data && (
        <ListBody load={view} count={entries.length} none={t('rating.no_entries')}>
          <Table
            head={
              <tr>
                <th scope="col">{t('rating.col_village')}</th>
                <th scope="col">{t('rating.col_status')}</th>
                <th scope="col">{t('rating.col_applied')}</th>
                <th scope="col">{t('rating.col_proposed')}</th>
              </tr>
            }
          >
            {entries.map((e) => (
              <tr key={e.villageId}>
                <th scope="row">
                  <a href={`/t/${props.slug}/rating/branch?villageId=${encodeURIComponent(e.villageId)}&year=${year}`}>{e.villageName}</a>
                </th>
                <td>{t(`rating.status.${e.status}` as MessageKey)}</td>
                <td>{levelName(e.appliedStars)}</td>
                <td>{levelName(e.proposedStars)}</td>
              </tr>
            ))}
          </Table>
        </ListBody>
      )}
    </section>
  );
}
