import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, call, county, tenant, type AnswerOf } from '../../shared/api';
import { starGrade } from '../../shared/i18n';
import { RequireLogin } from '../frame';
import { me, township } from '../session';
import { Shell } from '../shell';
import { t, type MessageKey } from '../t';
import { ErrorBox, ListBody, Table, useLoad } from '../ui';
import { shanghaiYear } from './stars-common';

type Overview = AnswerOf<(typeof county)[':countyId']['rating']['$get']>;
type Township = Overview['townships'][number];
type YearView = AnswerOf<ReturnType<typeof tenant>['rating']['years'][':year']['$get']>;
type Entry = YearView['entries'][number];

// a level as official wording writes it (三星级)
const stars = (n: number | null) => (n === null ? t('rating.none') : starGrade(n));

/** One proposal awaiting the county: confirm, or return with a reason. */
function RecheckRow(props: { slug: string; year: number; entry: Entry; onDone(): void }) {
  const { entry } = props;
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const answer = async (decision: 'confirm' | 'return') => {
    setError(undefined);
    try {
      await call(
        tenant(props.slug).rating.years[':year'].entries[':villageId'].recheck.$post({
          param: { year: String(props.year), villageId: encodeURIComponent(entry.villageId) },
          json: { decision, version: entry.version, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      );
      props.onDone();
    } catch (e) {
      setError(e instanceof ApiProblem ? e : new Error(String(e)));
    }
  };
  return (
    <tr>
      <th scope="row">{entry.villageName}</th>
      <td>{stars(entry.appliedStars)}</td>
      <td>{stars(entry.scoredStars)}</td>
      <td>
        <strong>{stars(entry.proposedStars)}</strong>
        {entry.proposalReason && <div class="muted">{entry.proposalReason}</div>}
      </td>
      <td>{entry.quotaCuts.map((cut) => t('rating.quota_cut', { level: cut.level, allowed: cut.allowed, rank: cut.rank })).join('；') || t('rating.none')}</td>
      <td>
        <label class="field">
          <span>{t('rating.return_reason')}</span>
          <input type="text" maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <div class="form-actions">
          <button type="button" onClick={() => answer('confirm')}>
            {t('rating.confirm')}
          </button>
          <button type="button" class="secondary" onClick={() => answer('return')}>
            {t('rating.return')}
          </button>
        </div>
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}

/** The proposals of one township awaiting the county's re-check. */
function TownshipRecheck(props: { township: Township; year: number; onChange(): void }) {
  const { slug, name } = props.township;
  const year = useLoad(() => call(tenant(slug).rating.years[':year'].$get({ param: { year: String(props.year) } })), [slug, props.year]);
  const awaiting = (year.data?.entries ?? []).filter((e) => e.status === 'proposed');
  const done = () => {
    year.reload();
    props.onChange();
  };
  return (
    <section>
      <h2>{name}</h2>
      <ListBody load={year} count={awaiting.length} none={t('rating.nothing_awaiting')}>
        <Table
          head={
            <tr>
              <th scope="col">{t('rating.col_village')}</th>
              <th scope="col">{t('rating.col_applied')}</th>
              <th scope="col">{t('rating.col_scored')}</th>
              <th scope="col">{t('rating.col_proposed')}</th>
              <th scope="col">{t('rating.col_quota')}</th>
              <th scope="col">{t('rating.col_action')}</th>
            </tr>
          }
        >
          {awaiting.map((entry) => (
            <RecheckRow key={`${entry.villageId}:${entry.version}`} slug={slug} year={props.year} entry={entry} onDone={done} />
          ))}
        </Table>
      </ListBody>
    </section>
  );
}

/** 县级复核: where every township of the county stands, and the proposals awaiting the county organiser. */
export function CountyRatingPage(props: { countyId: string }) {
  const { query } = useLocation();
  const asked = Number(query.year);
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : shanghaiYear();
  useEffect(() => void (township.value = undefined), []);
  const overview = useLoad(
    () => (me.value ? call(county[':countyId'].rating.$get({ param: { countyId: encodeURIComponent(props.countyId) }, query: { year: String(year) } })) : Promise.resolve(undefined)),
    [props.countyId, year, me.value],
  );
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  const townships = overview.data?.townships ?? [];
  const organiser = me.value.roles.some((r) => r.role === 'county_organiser');
  return (
    <Shell>
      <section class="county-rating">
        <h1>{t('rating.recheck_title', { year })}</h1>
        <p class="muted hint">{t('rating.recheck_hint')}</p>
        <ErrorBox error={overview.error} />
        <ListBody load={overview} count={townships.length} none={t('rating.nothing_awaiting')}>
          <Table
            head={
              <tr>
                <th scope="col">{t('rating.col_township')}</th>
                <th scope="col">{t('rating.col_step')}</th>
                <th scope="col">{t('rating.col_deadline')}</th>
                <th scope="col">{t('rating.col_notice')}</th>
                <th scope="col" class="num">{t('rating.col_awaiting')}</th>
                <th scope="col">{t('rating.col_returned')}</th>
              </tr>
            }
          >
            {townships.map((tw) => (
              <tr key={tw.id}>
                <th scope="row">{tw.name}</th>
                <td>{tw.step ? t(`rating.step.${tw.step}` as MessageKey) : t('rating.not_started')}</td>
                <td>{tw.nominationDeadline ?? t('rating.none')}</td>
                <td>{tw.noticeStartsOn ? `${tw.noticeStartsOn} — ${tw.noticeEndsOn}` : t('rating.none')}</td>
                <td class="num">{tw.awaiting}</td>
                <td>{tw.returned.map((r) => `${r.villageName}：${r.reason ?? ''}`).join('；') || t('rating.none')}</td>
              </tr>
            ))}
          </Table>
        </ListBody>
        {organiser &&
          townships
            .filter((tw) => tw.step === 'recheck' || tw.step === 'notice')
            .map((tw) => <TownshipRecheck key={tw.id} township={tw} year={year} onChange={overview.reload} />)}
      </section>
    </Shell>
  );
}
