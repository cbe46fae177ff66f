import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { call, county, tenant, type AnswerOf } from '../../shared/api';
import { RequireLogin } from '../frame';
import { me, township } from '../session';
import { Shell } from '../shell';
import { t, type MessageKey } from '../t';
import { ErrorBox, Field, Form, ListBody, Table, useLoad, useSubmit } from '../ui';
import { levelName } from './rating-branch';
import { DecisionCell, type Decision } from './rating-decision';
import { shanghaiYear } from './stars-common';

type Overview = AnswerOf<(typeof county)[':countyId']['rating']['$get']>;
type Township = Overview['townships'][number];
type YearView = AnswerOf<ReturnType<typeof tenant>['rating']['years'][':year']['$get']>;
type Entry = YearView['entries'][number];

/** One proposal awaiting the county: confirm, or return with a reason. */
function RecheckRow(props: { slug: string; year: number; entry: Entry; onDone(): void }) {
  const { entry } = props;
  const send = (decision: Decision, reason: string | undefined) =>
    call(
      tenant(props.slug).rating.years[':year'].entries[':villageId'].recheck.$post({
        param: { year: String(props.year), villageId: encodeURIComponent(entry.villageId) },
        json: { decision, version: entry.version, ...(reason ? { reason } : {}) },
      }),
    );
  return (
    <tr>
      <th scope="row">{entry.villageName}</th>
      <td>{levelName(entry.appliedStars)}</td>
      <td>{levelName(entry.scoredStars)}</td>
      <td>
        <strong>{levelName(entry.proposedStars)}</strong>
        {entry.proposalReason && <div class="muted">{entry.proposalReason}</div>}
      </td>
      <td>{entry.quotaCuts.map((cut) => t('rating.quota_cut', { level: cut.level, allowed: cut.allowed, rank: cut.rank })).join('；') || t('rating.none')}</td>
      <DecisionCell send={send} onDone={props.onDone} />
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

const QUOTA_LEVELS = [5, 4, 3, 2] as const;
type Quotas = NonNullable<Overview['quotas']>;

/** The county's quotas in words: 五星级不超过 10%；四星级不超过 30%. */
const quotaList = (quotas: Quotas) =>
  QUOTA_LEVELS.filter((n) => quotas[n] !== undefined)
    .map((n) => t('rating.quota_item', { level: levelName(n), percent: quotas[n]! }))
    .join('；');

/** The county organiser sets the county's quotas, a ceiling on every township's own at its 评定. */
function CountyQuotasForm(props: { countyId: string; quotas: Quotas | null; onDone(): void }) {
  const [values, setValues] = useState<Record<number, string>>(() => Object.fromEntries(QUOTA_LEVELS.map((n) => [n, props.quotas?.[n]?.toString() ?? ''])));
  const [saved, setSaved] = useState(false);
  const submit = useSubmit(async () => {
    setSaved(false);
    const quotas = Object.fromEntries(QUOTA_LEVELS.filter((n) => values[n].trim() !== '').map((n) => [n, Number(values[n])])) as Quotas;
    await call(county[':countyId'].rating.quotas.$put({ param: { countyId: encodeURIComponent(props.countyId) }, json: { quotas } }));
    setSaved(true);
    props.onDone();
  });
  return (
    <Form class="card county-quotas" onSubmit={submit.run}>
      <h2>{t('rating.quotas_title')}</h2>
      <p class="muted hint">{t('rating.quotas_hint')}</p>
      <div class="form-grid">
        {QUOTA_LEVELS.map((n) => (
          <Field key={n} label={t('rating.quota_percent', { level: levelName(n) })}>
            {(id) => <input id={id} type="number" inputMode="numeric" min={0} max={100} step={1} value={values[n]} onInput={(e) => setValues({ ...values, [n]: e.currentTarget.value })} />}
          </Field>
        ))}
      </div>
      <ErrorBox error={submit.error} />
      {saved && <p role="status">{t('rating.quotas_saved')}</p>}
      <button type="submit" disabled={submit.busy}>{t('rating.quotas_save')}</button>
    </Form>
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
        {overview.data && !organiser && <p>{overview.data.quotas ? t('rating.quotas_current', { list: quotaList(overview.data.quotas) }) : t('rating.quotas_none')}</p>}
        {overview.data && organiser && <CountyQuotasForm countyId={props.countyId} quotas={overview.data.quotas} onDone={overview.reload} />}
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
