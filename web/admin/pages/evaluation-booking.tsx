/** 预约: the evaluation centre's screens and a week calendar (Mon–Sun, Asia/Shanghai) of their bookings; booking a slot; starting its session. */
import { shanghaiTime } from '../../shared/i18n';
import { useState } from 'preact/hooks';
import { call } from '../../shared/api';
import { can } from '../session';
import { t } from '../t';
import { ErrorBox, Field, ListBody, nameChoices, ScrollBox, SelectField, Sheet, SheetForm, useLoad, useSubmit } from '../ui';
import {
  addDays,
  bigScreenUrl,
  evaluationApi,
  evaluationClient,
  mondayOf,
  openSessionOf,
  monthDay,
  shanghaiDate,
  shanghaiInstant,
  shMinutes,
  shanghaiClock,
  type Booking,
  type Campaign,
  type Screen,
} from './evaluation-common';
import { ScreenLinks } from './evaluation-screens';
import { loadVillages } from './villages';

const HOUR_PX = 52;
const DEFAULT_HOURS: [number, number] = [8, 18];

type Query = Record<string, string | undefined>;
type Nav = { href(query: Record<string, string>): string; go(query: Record<string, string>): void };

const RUNNERS = ['township_admin', 'village_secretary'] as const;
const weekday = (i: number) => t(`eval.b.weekday.${i}` as 'eval.b.weekday.0');

/** The hours the calendar shows: working hours, widened to every booking of the week. */
function hourRange(bookings: Booking[], days: string[]): [number, number] {
  let [first, last] = DEFAULT_HOURS;
  for (const b of bookings) {
    const startDay = shanghaiDate(b.startsAt);
    const endDay = shanghaiDate(b.endsAt);
    first = Math.min(first, startDay === endDay || days.includes(startDay) ? Math.floor(shMinutes(b.startsAt) / 60) : 0);
    last = Math.max(last, startDay === endDay ? Math.ceil(shMinutes(b.endsAt) / 60) : 24);
  }
  return [Math.max(0, first), Math.min(24, last)];
}

/** The part of a booking that falls on one Shanghai day, in minutes since midnight, or undefined. */
function onDay(b: Booking, day: string): { from: number; to: number } | undefined {
  const dayStart = Date.parse(shanghaiInstant(day, '00:00'));
  const from = Math.max(Date.parse(b.startsAt), dayStart);
  const to = Math.min(Date.parse(b.endsAt), dayStart + 86_400_000);
  if (to <= from) return undefined;
  return { from: (from - dayStart) / 60_000, to: (to - dayStart) / 60_000 };
}

function BookingStatus(props: { booking: Booking }) {
  const b = props.booking;
  if (!b.sessionId) return null;
  return <span class="tag">{b.sessionClosedAt || Date.now() >= Date.parse(b.endsAt) ? t('eval.b.session_closed') : t('eval.b.session_open')}</span>;
}

function BookingForm(props: {
  slug: string;
  campaigns: Campaign[];
  screens: Screen[];
  initial: { date: string; start: string; screenId?: string; campaignId?: string };
  onDone(): void;
  onClose(): void;
}) {
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const [campaignId, setCampaignId] = useState(props.initial.campaignId ?? props.campaigns[0]?.id ?? '');
  const [villageId, setVillageId] = useState('');
  const [screenId, setScreenId] = useState(props.initial.screenId ?? props.screens[0]?.id ?? '');
  const [date, setDate] = useState(props.initial.date);
  const [start, setStart] = useState(props.initial.start);
  const [end, setEnd] = useState(() => {
    const [h, m] = props.initial.start.split(':').map(Number);
    return `${String(Math.min(23, h + 2)).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  });
  const [note, setNote] = useState('');
  const list = villages.data ?? [];
  const chosenVillage = villageId || (list.length === 1 ? list[0].id : '');
  const submit = useSubmit(async () => {
    await call(
      evaluationClient(props.slug).bookings.$post({
        json: {
          campaignId,
          villageId: chosenVillage,
          screenId,
          startsAt: shanghaiInstant(date, start),
          // the same day: an end before the start is the server's to refuse, with its reason
          endsAt: shanghaiInstant(date, end),
          note: note.trim(),
        },
      }),
    );
    props.onDone();
  });
  return (
    <SheetForm
      title={t('eval.b.new')}
      onClose={props.onClose}
      submit={submit}
      error={submit.error ?? villages.error}
      ready={!!chosenVillage && !!campaignId && !!screenId}
      label={t('eval.b.save')}
    >
      <SelectField label={t('eval.b.campaign')} required value={campaignId} onChange={setCampaignId} options={nameChoices(props.campaigns)} />
      <SelectField
        label={t('eval.b.village')}
        required
        value={chosenVillage}
        onChange={setVillageId}
        placeholder={list.length !== 1 ? t('eval.b.pick_village') : undefined}
        options={nameChoices(list)}
      />
      <SelectField label={t('eval.b.screen')} required value={screenId} onChange={setScreenId} options={nameChoices(props.screens)} />
      <div class="form-grid">
        <Field label={t('eval.b.date')}>{(id) => <input id={id} type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />}</Field>
        <div class="form-grid ev-times">
          <Field label={t('eval.b.start')}>
            {(id) => <input id={id} type="time" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />}
          </Field>
          <Field label={t('eval.b.end')}>{(id) => <input id={id} type="time" required value={end} onInput={(e) => setEnd(e.currentTarget.value)} />}</Field>
        </div>
      </div>
      <p class="hint muted">{t('eval.b.timezone')}</p>
      <Field label={t('eval.b.note')}>{(id) => <input id={id} maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}</Field>
    </SheetForm>
  );
}

/** One booking: what, where, when; start its session, open the big screen, or cancel it. */
export function BookingDetail(props: { slug: string; booking: Booking; campaign?: Campaign; onClose(): void; onChanged(): void } & Nav) {
  const b = props.booking;
  const open = useSubmit(async () => {
    const session = await openSessionOf(props.slug, b);
    if (session) props.go({ tab: 'sessions', session: session.id });
  });
  const cancel = useSubmit(async () => {
    if (!confirm(t('eval.b.confirm_cancel', { village: b.villageName }))) return;
    await call(evaluationClient(props.slug).bookings[':id'].$delete({ param: { id: b.id } }));
    props.onChanged();
  });
  const runner = can(...RUNNERS);
  return (
    <Sheet title={t('eval.b.detail')} onClose={props.onClose}>
      <dl class="ev-facts">
        <div>
          <dt>{t('eval.b.village')}</dt>
          <dd>{b.villageName}</dd>
        </div>
        {props.campaign && (
          <div>
            <dt>{t('eval.b.campaign')}</dt>
            <dd>{props.campaign.name}</dd>
          </div>
        )}
        <div>
          <dt>{t('eval.b.screen')}</dt>
          <dd>{b.screenName}</dd>
        </div>
        <div>
          <dt>{t('eval.s.window')}</dt>
          <dd>
            {shanghaiTime(b.startsAt)}–{shanghaiClock(b.endsAt)}
          </dd>
        </div>
        {b.note && (
          <div>
            <dt>{t('eval.b.note')}</dt>
            <dd>{b.note}</dd>
          </div>
        )}
        {b.sessionCode && (
          <div>
            <dt>{t('eval.s.code')}</dt>
            <dd>
              <strong>{b.sessionCode}</strong> <BookingStatus booking={b} />
            </dd>
          </div>
        )}
      </dl>
      <ErrorBox error={open.error ?? cancel.error} />
      <div class="form-actions">
        {b.sessionId ? (
          <>
            <a class="button-link" href={bigScreenUrl(props.slug, b.sessionId)} target="_blank" rel="noopener">
              {t('eval.s.screen_link')} ↗
            </a>
            <a class="button-link" href={props.href({ tab: 'sessions', session: b.sessionId })}>
              {t('eval.tab.sessions')}
            </a>
          </>
        ) : (
          runner && (
            <>
              <button type="button" disabled={open.busy || Date.now() >= Date.parse(b.endsAt)} onClick={() => open.run()}>
                {t('eval.b.open_session')}
              </button>
              <button type="button" class="secondary danger" disabled={cancel.busy} onClick={() => cancel.run()}>
                {t('eval.b.cancel')}
              </button>
            </>
          )
        )}
      </div>
    </Sheet>
  );
}

function ScreenForm(props: { slug: string; onDone(): void; onClose(): void }) {
  const [name, setName] = useState('');
  const submit = useSubmit(async () => {
    await call(evaluationClient(props.slug).screens.$post({ json: { name: name.trim() } }));
    props.onDone();
  });
  return (
    <SheetForm title={t('eval.b.new_screen')} onClose={props.onClose} submit={submit}>
      <Field label={t('eval.b.screen_name')}>{(id) => <input id={id} required maxLength={40} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
    </SheetForm>
  );
}

/** The week calendar of the centre's screens, one lane per screen in each day. */
export function BookingCalendar(props: { slug: string; query: Query } & Nav) {
  const { slug, query } = props;
  const week = mondayOf(query.week && /^\d{4}-\d{2}-\d{2}$/.test(query.week) ? query.week : shanghaiDate());
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const from = shanghaiInstant(week, '00:00');
  const to = shanghaiInstant(addDays(week, 7), '00:00');
  const data = useLoad(async () => {
    const [screens, bookings, campaigns] = await Promise.all([
      evaluationApi.screens(slug),
      evaluationApi.bookings(slug, from, to),
      evaluationApi.campaigns(slug),
    ]);
    return { screens, bookings, campaigns };
  }, [slug, from]);
  const [form, setForm] = useState<{ date: string; start: string } | undefined>();
  const [detail, setDetail] = useState<Booking | undefined>();
  const [addingScreen, setAddingScreen] = useState(false);
  const [showingLinks, setShowingLinks] = useState(false);
  const [booked, setBooked] = useState(false);
  const screenFilter = query.screen ?? '';
  const weekHref = (w: string) => props.href({ tab: 'booking', week: w, ...(screenFilter ? { screen: screenFilter } : {}), ...(query.campaignId ? { campaignId: query.campaignId } : {}) });

  if (!data.data) return data.error ? <ErrorBox error={data.error} /> : <p class="loading">{t('app.loading')}</p>;
  const { screens, bookings, campaigns } = data.data;
  const lanes = screenFilter ? screens.filter((s) => s.id === screenFilter) : screens;
  const visible = bookings.filter((b) => lanes.some((s) => s.id === b.screenId));
  const [firstHour, lastHour] = hourRange(visible, days);
  const hours = Array.from({ length: lastHour - firstHour }, (_, i) => firstHour + i);
  const today = shanghaiDate();
  const writable = can(...RUNNERS);
  const canBook = writable && screens.length > 0 && campaigns.length > 0;
  const campaignOf = (id: string) => campaigns.find((c) => c.id === id);

  return (
    <section>
      <div class="page-head">
        <h2>{t('eval.b.calendar')}</h2>
        {canBook && (
          <button type="button" onClick={() => setForm({ date: days.includes(today) ? today : week, start: '09:00' })}>
            {t('eval.b.new')}
          </button>
        )}
      </div>
      {screens.length === 0 && <p class="notice">{t('eval.b.no_screens')}</p>}
      {writable && campaigns.length === 0 && <p class="notice">{t('eval.b.no_campaigns')}</p>}
      {booked && (
        <p class="ok" role="status">
          {t('eval.b.booked')}
        </p>
      )}
      <div class="ev-toolbar">
        <div class="ev-weeknav">
          <a class="button-link" href={weekHref(addDays(week, -7))}>
            ‹ {t('eval.b.prev_week')}
          </a>
          <a class="button-link" href={weekHref(mondayOf(today))}>
            {t('eval.b.this_week')}
          </a>
          <a class="button-link" href={weekHref(addDays(week, 7))}>
            {t('eval.b.next_week')} ›
          </a>
        </div>
        <strong class="ev-week">{t('eval.b.week', { from: week, to: monthDay(addDays(week, 6)) })}</strong>
        {screens.length > 1 && (
          <label class="ev-screen-pick">
            <span class="sr-only">{t('eval.b.screen')}</span>
            <select value={screenFilter} onChange={(e) => props.go({ tab: 'booking', week, ...(e.currentTarget.value ? { screen: e.currentTarget.value } : {}) })}>
              <option value="">{t('eval.b.all_screens')}</option>
              {screens.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {can('township_admin') && (
          <button type="button" class="secondary small" onClick={() => setAddingScreen(true)}>
            {t('eval.b.new_screen')}
          </button>
        )}
        {can('township_admin') && screens.length > 0 && (
          <button type="button" class="secondary small" onClick={() => setShowingLinks(true)}>
            {t('eval.b.display_links')}
          </button>
        )}
      </div>
      {lanes.length > 1 && (
        <ul class="ev-legend" aria-label={t('eval.b.screens')}>
          {lanes.map((s, i) => (
            <li key={s.id} class={`lane-${i % 6}`}>
              {s.name}
            </li>
          ))}
        </ul>
      )}
      <p class="hint muted">{t('eval.b.timezone')}</p>
      <ScrollBox class="ev-cal-scroll">
        <div class="ev-cal" role="group" aria-label={t('eval.b.calendar')}>
          <div class="ev-cal-head" aria-hidden="true">
            <div class="ev-cal-corner" />
            {days.map((d, i) => (
              <div key={d} class={d === today ? 'today' : undefined}>
                {weekday(i)}
                <span class="sub"> {monthDay(d)}</span>
              </div>
            ))}
          </div>
          <div class="ev-cal-body" style={{ height: `${hours.length * HOUR_PX}px` }}>
            <div class="ev-cal-times">
              {hours.map((h) => (
                <div key={h} style={{ height: `${HOUR_PX}px` }}>
                  {String(h).padStart(2, '0')}:00
                </div>
              ))}
            </div>
            {days.map((d, i) => (
              <div key={d} class={`ev-cal-day${d === today ? ' today' : ''}`} role="group" aria-label={`${weekday(i)} ${monthDay(d)}`}>
                {hours.map((h) =>
                  canBook ? (
                    <button
                      key={h}
                      type="button"
                      class="ev-slot"
                      style={{ height: `${HOUR_PX}px` }}
                      aria-label={t('eval.b.book_here', { day: `${weekday(i)} ${monthDay(d)}`, time: `${String(h).padStart(2, '0')}:00` })}
                      onClick={() => setForm({ date: d, start: `${String(h).padStart(2, '0')}:00` })}
                    />
                  ) : (
                    <div key={h} class="ev-slot" style={{ height: `${HOUR_PX}px` }} />
                  ),
                )}
                {visible.map((b) => {
                  const part = onDay(b, d);
                  if (!part) return null;
                  const lane = lanes.findIndex((s) => s.id === b.screenId);
                  return (
                    <button
                      key={b.id}
                      type="button"
                      class={`ev-booking lane-${lane % 6}${b.sessionId ? ' has-session' : ''}`}
                      style={{
                        top: `${((part.from - firstHour * 60) / 60) * HOUR_PX}px`,
                        height: `${Math.max(((part.to - part.from) / 60) * HOUR_PX - 2, 22)}px`,
                        left: `${(lane / lanes.length) * 100}%`,
                        width: `${100 / lanes.length}%`,
                      }}
                      onClick={() => setDetail(b)}
                    >
                      <strong>{b.villageName}</strong>
                      <span>
                        {shanghaiClock(b.startsAt)}–{shanghaiClock(b.endsAt)}
                      </span>
                      {lanes.length > 1 && <span class="sub">{b.screenName}</span>}
                    </button>
                  );
                })}
              </div>
            ))}
          </div>
        </div>
      </ScrollBox>

      <h3>{t('eval.b.list')}</h3>
      <ListBody count={visible.length} none={t('eval.b.none')}>
        <ul class="ev-booking-list">
          {visible.map((b) => (
            <li key={b.id}>
              <button type="button" class="linklike" onClick={() => setDetail(b)}>
                {weekday((new Date(`${shanghaiDate(b.startsAt)}T00:00:00Z`).getUTCDay() + 6) % 7)} {monthDay(shanghaiDate(b.startsAt))} {shanghaiClock(b.startsAt)}–{shanghaiClock(b.endsAt)} ·{' '}
                {b.villageName} · {b.screenName}
              </button>{' '}
              <BookingStatus booking={b} />
            </li>
          ))}
        </ul>
      </ListBody>

      {form && (
        <BookingForm
          slug={slug}
          campaigns={campaigns}
          screens={screens}
          initial={{ ...form, screenId: screenFilter || undefined, campaignId: query.campaignId }}
          onClose={() => setForm(undefined)}
          onDone={() => {
            setForm(undefined);
            setBooked(true);
            data.reload();
          }}
        />
      )}
      {detail && (
        <BookingDetail
          slug={slug}
          booking={detail}
          campaign={campaignOf(detail.campaignId)}
          href={props.href}
          go={props.go}
          onClose={() => setDetail(undefined)}
          onChanged={() => {
            setDetail(undefined);
            data.reload();
          }}
        />
      )}
      {showingLinks && <ScreenLinks slug={slug} screens={screens} onClose={() => setShowingLinks(false)} />}
      {addingScreen && (
        <ScreenForm
          slug={slug}
          onClose={() => setAddingScreen(false)}
          onDone={() => {
            setAddingScreen(false);
            data.reload();
          }}
        />
      )}
    </section>
  );
}
