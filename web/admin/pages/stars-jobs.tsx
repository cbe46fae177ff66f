import { useEffect, useState } from 'preact/hooks';
import { call, platform, type AnswerOf } from '../../shared/api';
import { JOB_KINDS as JOBS } from '../../../src/domain/vocabulary';
import { shanghaiTime } from '../../shared/i18n';
import { RequireLogin } from '../frame';
import { isPlatformAdmin, me, township } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { ErrorBox, Form, SelectField, Table, useLoad, useSubmit } from '../ui';
import { JobLabel, yearChoices } from './stars-common';
import './stars.css';

type Run = AnswerOf<typeof platform['job-runs']['$get']>['items'][number];


function RunForm(props: { onDone(): void }) {
  const [job, setJob] = useState<Run['job']>('recompute');
  const [year, setYear] = useState('');
  const submit = useSubmit(async () => {
    await call(platform['job-runs'].$post({ json: { job, ...(year ? { year: Number(year) } : {}) } }));
    props.onDone();
  });
  return (
    <Form class="card inline-form" onSubmit={submit.run}>
      <SelectField label={t('jobs.job')} value={job} onChange={setJob} options={JOBS.map((j) => ({ value: j, label: t(`jobs.job.${j}`) }))} />
      <SelectField label={t('stars.year')} value={year} onChange={setYear} blank={t('jobs.year_auto')} options={yearChoices()} />
      <button type="submit" disabled={submit.busy}>
        {t('jobs.run_now')}
      </button>
      <ErrorBox error={submit.error} />
    </Form>
  );
}

/** The platform admin's scheduled jobs: every run over all townships, with failures, and starting one now. */
export function PlatformJobsPage() {
  useEffect(() => void (township.value = undefined), []);
  const runs = useLoad(() => (isPlatformAdmin.value ? call(platform['job-runs'].$get()) : Promise.resolve({ items: [] })), []);
  // a run on Workers goes through the queue: look again while one is still running
  const running = runs.data?.items.some((r) => r.status === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(runs.reload, 2000);
    return () => clearTimeout(timer);
  }, [running, runs.data]);
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  if (!isPlatformAdmin.value)
    return (
      <Shell>
        <p class="error">{t('app.forbidden')}</p>
      </Shell>
    );
  const items = runs.data?.items ?? [];
  return (
    <Shell>
      <div class="page-head">
        <h1>{t('jobs.title')}</h1>
        <a class="button-link" href="/platform">
          {t('jobs.back_registry')}
        </a>
      </div>
      <p class="muted">{t('jobs.hint')}</p>
      <RunForm onDone={runs.reload} />
      <ErrorBox error={runs.error} />
      {runs.data && items.length === 0 && <p class="muted">{t('jobs.none')}</p>}
      {items.length > 0 && (
        <Table class="job-runs"
          head={
            <tr>
              <th scope="col">{t('jobs.started')}</th>
              <th scope="col">{t('jobs.job')}</th>
              <th scope="col">{t('jobs.status')}</th>
              <th scope="col">{t('jobs.tenants')}</th>
              <th scope="col" class="num">{t('jobs.duration')}</th>
              <th scope="col">{t('jobs.errors')}</th>
            </tr>
          }
        >
          {items.map((r) => (
            <tr key={r.id}>
              <td>{shanghaiTime(r.startedAt)}</td>
              <td>
                <JobLabel job={r.job} year={r.year} trigger={r.trigger} />
              </td>
              <td class={r.status === 'finished_with_errors' ? 'down' : r.status === 'finished' ? 'up' : undefined}>{t(`jobs.status.${r.status}`)}</td>
              <td>{t('jobs.tenants_progress', { done: r.tenantsDone, total: r.tenantsTotal, failed: r.tenantsFailed })}</td>
              <td class="num">{r.durationMs === null ? '—' : t('jobs.duration_ms', { n: r.durationMs })}</td>
              <td class="wrap">
                {r.errors.length ? (
                  <ul class="reasons">
                    {r.errors.map((e) => (
                      <li key={e.tenantId}>
                        <strong>{e.slug}</strong>
                        <span class="reason">{e.error}</span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span class="muted">{t('stars.none')}</span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Shell>
  );
}
