import { useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { call, city, tenant, type AnswerOf } from '../../shared/api';
import { shanghaiTime } from '../../shared/i18n';
import { RequireLogin } from '../frame';
import { me, township } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { ErrorBox, ListBody, Table, useLoad } from '../ui';
import { DecisionCell, type Decision } from './rating-decision';
import { levelName, pageYear } from './rating-branch';

type Queue = AnswerOf<(typeof city)[':cityId']['rating']['$get']>;
type Item = Queue['items'][number];

/** One five-star proposal the county confirmed: the city confirms it, or returns it with a reason. */
function CityCheckRow(props: { year: number; item: Item; onDone(): void }) {
  const { item } = props;
  const send = (decision: Decision, reason: string | undefined) =>
    call(
      tenant(item.tenantSlug).rating.years[':year'].entries[':villageId']['city-check'].$post({
        param: { year: String(props.year), villageId: encodeURIComponent(item.villageId) },
        json: { decision, version: item.version, ...(reason ? { reason } : {}) },
      }),
    );
  return (
    <tr>
      <th scope="row">{item.villageName}</th>
      <td>
        {item.county} · {item.township}
      </td>
      <td>{levelName(item.appliedStars)}</td>
      <td class="num">{item.composite === null ? t('rating.none') : (item.composite / 100).toFixed(2)}</td>
      <td>
        <strong>{levelName(item.proposedStars)}</strong>
        {item.proposalReason && <div class="muted">{item.proposalReason}</div>}
      </td>
      <td>{item.recheckedAt ? shanghaiTime(item.recheckedAt, false) : t('rating.none')}</td>
      <DecisionCell send={send} onDone={props.onDone} />
    </tr>
  );
}

/** 市级确认: the five-star proposals of the city's counties awaiting the city organisation department. */
export function CityRatingPage(props: { cityId: string }) {
  const { query } = useLocation();
  const year = pageYear(query);
  useEffect(() => void (township.value = undefined), []);
  const queue = useLoad(
    () => (me.value ? call(city[':cityId'].rating.$get({ param: { cityId: encodeURIComponent(props.cityId) }, query: { year: String(year) } })) : Promise.resolve(undefined)),
    [props.cityId, year, me.value],
  );
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  const items = queue.data?.items ?? [];
  return (
    <Shell>
      <section class="city-rating">
        <h1>{t('rating.city_title', { year })}</h1>
        <p class="muted hint">{t('rating.city_hint')}</p>
        <ErrorBox error={queue.error} />
        <ListBody load={queue} count={items.length} none={t('rating.city_none')}>
          <Table
            head={
              <tr>
                <th scope="col">{t('rating.col_village')}</th>
                <th scope="col">{t('rating.col_township')}</th>
                <th scope="col">{t('rating.col_applied')}</th>
                <th scope="col" class="num">{t('rating.col_composite')}</th>
                <th scope="col">{t('rating.col_proposed')}</th>
                <th scope="col">{t('rating.col_rechecked')}</th>
                <th scope="col">{t('rating.col_action')}</th>
              </tr>
            }
          >
            {items.map((item) => (
              <CityCheckRow key={`${item.tenantSlug}:${item.villageId}:${item.version}`} year={year} item={item} onDone={queue.reload} />
            ))}
          </Table>
        </ListBody>
      </section>
    </Shell>
  );
}
