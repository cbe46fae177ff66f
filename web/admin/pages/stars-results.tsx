import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import type { JobKind } from '../../../src/domain/vocabulary';
import { shanghaiTime } from '../../shared/i18n';
import { can, ownVillageId } from '../session';
import { t } from '../t';
import { ErrorBox, Field, SheetForm, Table, useLoad, useSubmit } from '../ui';
import { Tabs, VillageFilter } from './ledgers-common';
import { loadVillages } from './villages';
import {
  ConsequenceList,
  JobLabel,
  RedLineList,
  StageNote,
  StarMark,
  shanghaiYear,
  YearSelect,
} from './stars-common';
import { compositeText } from './stars-money';
import './stars.css';
import type { SubjectKind } from '../../../src/domain/vocabulary';

const starsClient = (slug: string) => tenant(slug).stars;
/** A township's own outcome of a job run. */
export type TenantRun = AnswerOf<ReturnType<typeof tenant>['job-runs']['$get']>['items'][number];

function ReopenSheet(props: { slug: string; year: number; onClose(): void; onDone(): void }) {
  const [reason, setReason] = useState('');
  const submit = useSubmit(async () => {
    await call(starsClient(props.slug)['result-years'][':year'].reopen.$post({ param: { year: String(props.year) }, json: { reason: reason.trim() } }));
    // the retired final results leave the year empty until the nightly run: compute the provisional ones now
    await call(tenant(props.slug)['job-runs'].$post({ json: { job: 'recompute', year: props.year } }));
    props.onDone();
  });
  return (
    <SheetForm
      title={t('stars.results.reopen_title', { year: props.year })}
      onClose={props.onClose}
      submit={submit}
      ready={reason.trim().length >= 4}
      label={t('stars.results.reopen')}
      busyLabel={t('stars.results.reopen')}
      errorLabels={{ reason: t('stars.results.reason') }}
    >
      <p>{t('stars.results.reopen_hint')}</p>
      <Field label={t('stars.results.reason')}>
        {(id) => <textarea id={id} required minLength={4} maxLength={500} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
    </SheetForm>
  );
}

/** The township's runs of recompute and finalise (a township admin's own outcomes). */
export function TenantRuns(props: { runs: TenantRun[] }) {
  if (!props.runs.length) return <p class="muted">{t('jobs.none')}</p>;
  return (
    <Table
      head={
        <tr>
          <th scope="col">{t('jobs.started')}</th>
          <th scope="col">{t('jobs.job')}</th>
          <th scope="col">{t('jobs.status')}</th>
          <th scope="col">{t('jobs.detail')}</th>
        </tr>
      }
    >
      {props.runs.slice(0, 10).map((r) => (
        <tr key={r.id}>
          <td>{shanghaiTime(r.startedAt)}</td>
          <td>
            <JobLabel job={r.job} year={r.year} trigger={r.trigger} />
          </td>
          <td class={r.status === 'failed' ? 'down' : undefined}>{t(`jobs.status.${r.status}`)}</td>
          <td class="wrap">{r.detail}</td>
        </tr>
      ))}
    </Table>
  );
}

/** Annual results: branches or members with composite, stars, red lines, last year and consequences; finalise, re-open, recompute. */
export function StarsResultsPage(props: { slug: string }) {
  const [year, setYear] = useState(shanghaiYear());
  const [kind, setKind] = useState<SubjectKind>('branch');
  const [villageId, setVillageId] = useState('');
  const [reopening, setReopening] = useState(false);
  const [outcome, setOutcome] = useState<string>();
  const admin = can('township_admin');
  const own = ownVillageId.value;

  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const results = useLoad(() => {
    return call(starsClient(props.slug).results.$get({ query: { year: String(year), kind, ...(villageId && !own ? { villageId } : {}) } }));
  }, [props.slug, year, kind, villageId]);
  const years = useLoad(() => call(starsClient(props.slug)['result-years'].$get()), [props.slug]);
  const runs = useLoad(() => (admin ? call(tenant(props.slug)['job-runs'].$get()) : Promise.resolve({ items: [] })), [props.slug]);

  const reloadAll = () => {
    results.reload();
    years.reload();
    runs.reload();
  };
  const runJob = useSubmit(async (job: JobKind) => {
    if (job === 'finalise' && !confirm(t('stars.results.finalise_confirm', { year }))) return;
    setOutcome(undefined);
    const run = await call(tenant(props.slug)['job-runs'].$post({ json: { job, year } }));
    setOutcome(run.outcome?.detail ?? '');
    reloadAll();
  });

  const data = results.data;
  const stage = data?.stage ?? 'none';
  const reopenings = years.data?.find((y) => y.year === year)?.reopenings ?? [];
  const isBranch = kind === 'branch';

  return (
    <section>
      <h1>{t('stars.results.title')}</h1>
      <div class="toolbar">
        <YearSelect slug={props.slug} value={year} onChange={setYear} />
        <VillageFilter villages={villages.data ?? []} value={villageId} onChange={setVillageId} />
      </div>
      <Tabs
        value={kind}
        options={[
          { key: 'branch', label: t('stars.results.branches') },
          { key: 'member', label: t('stars.results.members') },
        ]}
        onChange={setKind}
      />

      {data && <StageNote stage={stage} {...(data.stage === 'final' ? { finalisedAt: data.finalisedAt } : { computedAt: data.computedAt })} />}

      {admin && (
        <div class="form-actions">
          {stage !== 'final' && (
            <button type="button" class="secondary" disabled={runJob.busy} onClick={() => runJob.run('recompute')}>
              {runJob.busy ? t('stars.results.recomputing') : t('stars.results.recompute')}
            </button>
          )}
          {stage !== 'final' && year < shanghaiYear() + 1 && (
            <button type="button" disabled={runJob.busy} onClick={() => runJob.run('finalise')}>
              {t('stars.results.finalise')}
            </button>
          )}
          {stage === 'final' && (
            <button type="button" class="secondary danger" onClick={() => setReopening(true)}>
              {t('stars.results.reopen')}
            </button>
          )}
          {outcome !== undefined && (
            <span class="ok" role="status">
              {t('stars.results.job_done', { detail: outcome })}
            </span>
          )}
        </div>
      )}
      <ErrorBox error={runJob.error ?? results.error} />

      {data && (
        <>
          <p class="muted">{t('stars.results.count', { n: data.items.length })}</p>
          <Table class="results"
            head={
              <tr>
                <th scope="col">{isBranch ? t('common.village') : t('stars.results.member')}</th>
                <th scope="col" class="num">{t('stars.results.composite')}</th>
                <th scope="col">{t('stars.results.raw')}</th>
                {isBranch && <th scope="col">{t('stars.results.red_lines')}</th>}
                <th scope="col">{t('stars.results.final')}</th>
                <th scope="col">{t('stars.results.previous')}</th>
                {isBranch && <th scope="col">{t('stars.results.consequences')}</th>}
              </tr>
            }
          >
            {data.items.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  {isBranch ? r.villageName : r.name}
                  {!isBranch && <div class="sub muted">{r.villageName}</div>}
                </th>
                <td class="num amount">
                  {compositeText(r.composite)}
                  {!r.complete && r.composite !== null && <div class="sub muted">{t('stars.results.incomplete')}</div>}
                </td>
                <td><StarMark n={r.rawStars} /></td>
                {isBranch && <td class="wrap"><RedLineList items={r.redLines} /></td>}
                <td><strong><StarMark n={r.finalStars} /></strong></td>
                <td><StarMark n={r.previousStars} /></td>
                {isBranch && <td class="wrap"><ConsequenceList items={r.consequences} /></td>}
              </tr>
            ))}
          </Table>
        </>
      )}

      {reopenings.length > 0 && (
        <section class="card">
          <h2>{t('stars.results.reopenings')}</h2>
          <ul class="moves">
            {reopenings.map((r) => (
              <li key={r.id}>{t('stars.results.reopened', { at: shanghaiTime(r.reopenedAt), n: r.resultsRetired, reason: r.reason })}</li>
            ))}
          </ul>
        </section>
      )}

      {admin && (
        <section class="card">
          <h2>{t('stars.results.runs')}</h2>
          <ErrorBox error={runs.error} />
          <TenantRuns runs={runs.data?.items ?? []} />
        </section>
      )}

      {reopening && (
        <ReopenSheet
          slug={props.slug}
          year={year}
          onClose={() => setReopening(false)}
          onDone={() => {
            setReopening(false);
            reloadAll();
          }}
        />
      )}
    </section>
  );
}
