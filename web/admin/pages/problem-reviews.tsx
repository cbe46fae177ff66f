/**
 * 群众反映问题审核: problems villagers raised on ballots wait here (all with their session's end as their
 * time, in no order that points to a ballot) until the township accepts one into the problem list, merges
 * it with an existing problem, or dismisses it with a reason. A secretary sees their village's queue.
 */
import { useState } from 'preact/hooks';
import { call, tenant, type AnswerOf } from '../../shared/api';
import { chineseMinute } from '../../../src/domain/calendar';
import { can } from '../session';
import { t } from '../t';
import { ErrorBox, ListTable, nameChoices, Pager, SelectField, useLoad, useSubmit } from '../ui';
import { loadVillages } from './villages';

const reviewsClient = (slug: string) => tenant(slug).problems.reviews;
type Review = AnswerOf<ReturnType<typeof reviewsClient>['$get']>['items'][number];
type ReviewStatus = Review['status'];
const STATUSES: readonly ReviewStatus[] = ['pending', 'accepted', 'merged', 'dismissed'];
const PER_PAGE = 50;

function Decide(props: { slug: string; review: Review; onDone(): void }) {
  const { review } = props;
  const [target, setTarget] = useState('');
  const problems = useLoad(
    () => call(tenant(props.slug).problems.$get({ query: { villageId: review.villageId, year: String(review.year) } })).then((r) => r.items),
    [props.slug, review.villageId, review.year],
  );
  const post = (json: { action: 'accept' } | { action: 'merge'; problemId: string } | { action: 'dismiss'; reason: string }) =>
    call(reviewsClient(props.slug)[':id'].$post({ param: { id: review.id }, json })).then(props.onDone);
  const accept = useSubmit(() => post({ action: 'accept' }));
  const merge = useSubmit(() => post({ action: 'merge', problemId: target }));
  const dismiss = useSubmit(async () => {
    const reason = prompt(t('reviews.dismiss_reason'))?.trim();
    if (reason) await post({ action: 'dismiss', reason });
  });
  const busy = accept.busy || merge.busy || dismiss.busy;
  return (
    <div class="form-actions">
      <ErrorBox error={accept.error ?? merge.error ?? dismiss.error ?? problems.error} />
      <button type="button" class="small" disabled={busy} onClick={() => accept.run()}>
        {t('reviews.accept')}
      </button>
      {(problems.data?.length ?? 0) > 0 && (
        <>
          <SelectField
            label={t('reviews.merge_into')}
            blank="—"
            value={target}
            options={nameChoices((problems.data ?? []).map((p) => ({ id: p.id, name: p.content.slice(0, 40) })))}
            onChange={setTarget}
          />
          <button type="button" class="small secondary" disabled={busy || !target} onClick={() => merge.run()}>
            {t('reviews.merge')}
          </button>
        </>
      )}
      <button type="button" class="small secondary danger" disabled={busy} onClick={() => dismiss.run()}>
        {t('reviews.dismiss')}
      </button>
    </div>
  );
}

export function ProblemReviewsPage(props: { slug: string }) {
  const { slug } = props;
  const [status, setStatus] = useState<ReviewStatus>('pending');
  const [villageId, setVillageId] = useState('');
  const [offset, setOffset] = useState(0);
  const villages = useLoad(() => loadVillages(slug), [slug]);
  const list = useLoad(
    () => call(reviewsClient(slug).$get({ query: { status, ...(villageId ? { villageId } : {}), offset: String(offset), limit: String(PER_PAGE) } })),
    [slug, status, villageId, offset],
  );
  const names = new Map((villages.data ?? []).map((v) => [v.id, v.name]));
  const items = list.data?.items ?? [];
  return (
    <section>
      <div class="page-head">
        <h1>{t('reviews.title')}</h1>
      </div>
      <p class="muted">{t('reviews.intro')}</p>
      <div class="filters">
        <SelectField
          label={t('reviews.status')}
          value={status}
          options={STATUSES.map((s) => ({ value: s, label: t(`reviews.status.${s}`) }))}
          onChange={(s) => (setStatus(s), setOffset(0))}
        />
        {(villages.data?.length ?? 0) > 1 && (
          <SelectField label={t('reviews.village')} blank={t('reviews.all')} value={villageId} options={nameChoices(villages.data ?? [])} onChange={(v) => (setVillageId(v), setOffset(0))} />
        )}
      </div>
      <ErrorBox error={list.error ?? villages.error} />
      <ListTable
        load={list}
        count={items.length}
        none={t('reviews.none')}
        head={
          <tr>
            <th>{t('reviews.village')}</th>
            <th>{t('reviews.content')}</th>
            <th>{t('reviews.raised_at')}</th>
            <th>{status === 'pending' ? '' : t('reviews.decision')}</th>
          </tr>
        }
      >
        {items.map((r) => (
          <tr key={r.id}>
            <td>{names.get(r.villageId) ?? ''}</td>
            <td>{r.content}</td>
            <td>{chineseMinute(r.raisedAt)}</td>
            <td>
              {r.status === 'pending' ? (
                can('township_admin') ? <Decide slug={slug} review={r} onDone={list.reload} /> : t('reviews.status.pending')
              ) : (
                <>
                  {t(`reviews.status.${r.status}`)}
                  {r.reason && `：${r.reason}`}
                  {r.problemId && (
                    <>
                      {' '}
                      <a href={`/t/${slug}/problems?problem=${r.problemId}`}>{t('reviews.open_problem')}</a>
                    </>
                  )}
                </>
              )}
            </td>
          </tr>
        ))}
      </ListTable>
      {(list.data?.total ?? 0) > PER_PAGE && <Pager offset={offset} limit={PER_PAGE} total={list.data!.total} onChange={setOffset} />}
    </section>
  );
}
