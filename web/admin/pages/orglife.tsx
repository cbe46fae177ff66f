/** 三会一课 · 主题党日: a branch's meeting records, attendance, photos and the phone check-in QR (docs/organisation-life.md). */
import { useEffect, useState } from 'preact/hooks';
import { ATTENDANCE_STATUSES, MEETING_KINDS, type AttendanceStatus, type MeetingKind } from '../../../src/domain/vocabulary';
import { call, tenant, tenantApi, type AnswerOf } from '../../shared/api';
import { can, ownVillageId } from '../session';
import { t } from '../t';
import { ErrorBox, Field, ListBody, Pager, SelectField, Sheet, SheetForm, useLoad, useSubmit } from '../ui';
import { shanghaiDate, shanghaiYear, VillageSelect } from './ledgers-common';
import { loadVillages, type Village } from './villages';

const orglife = (slug: string) => tenant(slug).orglife;
type Meeting = AnswerOf<ReturnType<typeof orglife>['meetings']['$get']>['items'][number];
type Detail = AnswerOf<ReturnType<typeof orglife>['meetings'][':id']['$get']>;
const PAGE_SIZE = 20;
const kindChoices = () => MEETING_KINDS.map((k) => ({ value: k, label: t(`orglife.kind.${k}`) }));

/** A phone photo re-encoded through a canvas to a JPEG of at most 1600 px: HEIC becomes JPEG where the browser decodes it, and nothing of its metadata survives. */
async function photoAsJpeg(file: File): Promise<Blob> {
  const url = URL.createObjectURL(file);
  try {
    const image = await new Promise<HTMLImageElement>((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = url;
    });
    const scale = Math.min(1, 1600 / Math.max(image.naturalWidth, image.naturalHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob'))), 'image/jpeg', 0.82));
  } finally {
    URL.revokeObjectURL(url);
  }
}

function MeetingForm(props: { slug: string; villages: Village[]; onClose(): void; onDone(id: string): void }) {
  const [form, setForm] = useState({
    villageId: ownVillageId.value ?? (props.villages.length === 1 ? props.villages[0].id : ''),
    kind: 'assembly' as MeetingKind,
    heldOn: shanghaiDate(),
    startTime: '',
    endTime: '',
    topic: '',
    place: '',
    host: '',
    recorder: '',
    minutes: '',
    resolutions: '',
  });
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const submit = useSubmit(async () => {
    const created = await call(orglife(props.slug).meetings.$post({ json: { ...form, startTime: form.startTime || null, endTime: form.endTime || null } }));
    props.onDone(created.id);
  });
  const text = (key: 'topic' | 'place' | 'host' | 'recorder', max: number, required = false) => (
    <Field label={t(`orglife.${key}`)}>{(id) => <input id={id} required={required} maxLength={max} value={form[key]} onInput={(e) => set({ [key]: e.currentTarget.value })} />}</Field>
  );
  return (
    <SheetForm title={t('orglife.new')} onClose={props.onClose} submit={submit} errorLabels={{ topic: t('orglife.topic'), heldOn: t('orglife.held_on') }}>
      <VillageSelect villages={props.villages} value={form.villageId} onChange={(villageId) => set({ villageId })} />
      <SelectField label={t('orglife.kind')} value={form.kind} onChange={(kind) => set({ kind })} options={kindChoices()} />
      <div class="form-grid">
        <Field label={t('orglife.held_on')}>{(id) => <input id={id} type="date" required max={shanghaiDate()} value={form.heldOn} onInput={(e) => set({ heldOn: e.currentTarget.value })} />}</Field>
        <Field label={t('orglife.start')}>{(id) => <input id={id} type="time" value={form.startTime} onInput={(e) => set({ startTime: e.currentTarget.value })} />}</Field>
        <Field label={t('orglife.end')}>{(id) => <input id={id} type="time" value={form.endTime} onInput={(e) => set({ endTime: e.currentTarget.value })} />}</Field>
      </div>
      {text('topic', 200, true)}
      {text('place', 200)}
      <div class="form-grid">
        {text('host', 40)}
        {text('recorder', 40)}
      </div>
      <Field label={t('orglife.minutes')}>{(id) => <textarea id={id} rows={4} maxLength={20000} value={form.minutes} onInput={(e) => set({ minutes: e.currentTarget.value })} />}</Field>
      <Field label={t('orglife.resolutions')}>{(id) => <textarea id={id} rows={2} maxLength={5000} value={form.resolutions} onInput={(e) => set({ resolutions: e.currentTarget.value })} />}</Field>
    </SheetForm>
  );
}

/** The check-in QR, fetched again as it rotates (a photo of an old one stops working). */
function CheckInQr(props: { slug: string; meetingId: string }) {
  const qr = useLoad(() => call(orglife(props.slug).meetings[':id']['checkin-qr'].$get({ param: { id: props.meetingId } })), [props.slug, props.meetingId]);
  useEffect(() => {
    if (!qr.data) return;
    const timer = setTimeout(() => qr.reload(), Math.max(1000, Date.parse(qr.data.rotatesAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [qr.data]);
  if (qr.error) return null;
  return qr.data ? (
    <figure class="checkin-qr">
      <div dangerouslySetInnerHTML={{ __html: qr.data.svg }} style={{ maxWidth: '240px' }} />
      <figcaption class="muted">{t('orglife.checkin_hint', { seconds: qr.data.rotateSeconds })}</figcaption>
    </figure>
  ) : null;
}

function MeetingDetail(props: { slug: string; id: string; onClose(): void; onChanged(): void }) {
  const detail = useLoad(() => call(orglife(props.slug).meetings[':id'].$get({ param: { id: props.id } })), [props.slug, props.id]);
  const [marks, setMarks] = useState<Record<string, { status: AttendanceStatus; reason: string }>>({});
  const [saved, setSaved] = useState(false);
  const writable = can('township_admin', 'village_secretary');
  const d: Detail | undefined = detail.data;
  const mark = (memberId: string) => marks[memberId] ?? { status: d!.attendance.find((a) => a.memberId === memberId)!.status, reason: d!.attendance.find((a) => a.memberId === memberId)!.reason };
  const save = useSubmit(async () => {
    const items = Object.entries(marks).map(([memberId, m]) => ({ memberId, status: m.status, reason: m.reason }));
    if (items.length) await call(orglife(props.slug).meetings[':id'].attendance.$put({ param: { id: props.id }, json: { items } }));
    setMarks({});
    setSaved(true);
    detail.reload();
    props.onChanged();
  });
  const upload = useSubmit(async (file: File) => {
    const jpeg = await photoAsJpeg(file);
    await call(orglife(props.slug).meetings[':id'].photos.$post({ param: { id: props.id }, form: { file: new File([jpeg], 'photo.jpg', { type: 'image/jpeg' }) } }));
    detail.reload();
  });
  return (
    <Sheet title={d ? `${t(`orglife.kind.${d.kind}`)} · ${d.heldOn}` : t('orglife.detail')} onClose={props.onClose}>
      <ErrorBox error={detail.error} />
      {d && (
        <div class="meeting-detail">
          <h3>{d.topic}</h3>
          {d.place && <p class="muted">{d.place}</p>}
          {d.visitsOfMonth && <p>{t('orglife.visits_of_month', d.visitsOfMonth)}</p>}
          {d.startsAt && writable && <CheckInQr slug={props.slug} meetingId={d.id} />}
          <h3>{t('orglife.attendance')}</h3>
          <ul class="attendance">
            {d.attendance.map((a) =>
              a.memberId ? (
                <li key={a.id}>
                  <SelectField
                    label={a.name}
                    value={mark(a.memberId).status}
                    disabled={!writable}
                    onChange={(status) => (setSaved(false), setMarks({ ...marks, [a.memberId!]: { ...mark(a.memberId!), status } }))}
                    options={ATTENDANCE_STATUSES.map((s) => ({ value: s, label: t(`orglife.status.${s}`) }))}
                  />
                  {mark(a.memberId).status === 'leave' && (
                    <Field label={`${a.name} ${t('orglife.reason')}`}>
                      {(id) => <input id={id} maxLength={200} value={mark(a.memberId!).reason} disabled={!writable} onInput={(e) => setMarks({ ...marks, [a.memberId!]: { ...mark(a.memberId!), reason: e.currentTarget.value } })} />}
                    </Field>
                  )}
                  {a.checkedInAt && <span class="tag good">{t('orglife.checked_in')}</span>}
                </li>
              ) : (
                <li key={a.id}>
                  {a.name} · {t(`orglife.status.${a.status}`)}
                </li>
              ),
            )}
          </ul>
          {writable && (
            <p>
              <button type="button" disabled={save.busy} onClick={() => save.run()}>
                {t('orglife.save_attendance')}
              </button>{' '}
              {saved && <span role="status">{t('orglife.saved')}</span>}
            </p>
          )}
          <ErrorBox error={save.error} />
          {d.minutes && (
            <>
              <h3>{t('orglife.minutes')}</h3>
              <p class="prewrap">{d.minutes}</p>
            </>
          )}
          {d.resolutions && (
            <>
              <h3>{t('orglife.resolutions')}</h3>
              <p class="prewrap">{d.resolutions}</p>
            </>
          )}
          <h3>{t('orglife.photos')}</h3>
          <div class="photos">
            {d.photos.map((p) => (
              <img key={p.id} src={tenantApi(`/orglife/photos/${p.id}`, props.slug)} alt={d.topic} loading="lazy" style={{ maxWidth: '45%' }} />
            ))}
          </div>
          {writable && (
            <Field label={t('orglife.add_photo')} hint={t('orglife.photo_hint')}>
              {(id) => <input id={id} type="file" accept="image/*" onChange={(e) => e.currentTarget.files?.[0] && upload.run(e.currentTarget.files[0])} />}
            </Field>
          )}
          <ErrorBox error={upload.error} />
        </div>
      )}
    </Sheet>
  );
}

export function OrgLifePage(props: { slug: string }) {
  const { slug } = props;
  const villages = useLoad(() => loadVillages(slug), [slug]);
  const [year, setYear] = useState(String(shanghaiYear()));
  const [villageId, setVillageId] = useState('');
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const validYear = /^\d{4}$/.test(year) ? year : String(shanghaiYear());
  const list = useLoad(
    () => call(orglife(slug).meetings.$get({ query: { year: validYear, limit: String(PAGE_SIZE), offset: String(offset), ...(villageId && !ownVillageId.value ? { villageId } : {}) } })),
    [slug, validYear, villageId, offset],
  );
  const registerVillage = ownVillageId.value ?? villageId;
  const items: Meeting[] = list.data?.items ?? [];
  return (
    <section>
      <h1>{t('orglife.title')}</h1>
      <div class="page-head">
        <p class="muted">{t('orglife.motto')}</p>
        {can('township_admin', 'village_secretary') && (
          <button type="button" onClick={() => setCreating(true)}>
            {t('orglife.new')}
          </button>
        )}
      </div>
      <div class="form-grid four">
        <Field label={t('ledgers.year')}>{(id) => <input id={id} type="number" min={2000} max={2100} value={year} onInput={(e) => (setYear(e.currentTarget.value), setOffset(0))} />}</Field>
        <VillageSelect villages={villages.data ?? []} value={villageId} onChange={(v) => (setVillageId(v), setOffset(0))} allowAll />
      </div>
      {registerVillage && (
        <p>
          <a href={`${tenantApi('/orglife/register.xlsx', slug)}?villageId=${encodeURIComponent(registerVillage)}&year=${validYear}`} download>
            {t('orglife.register')}
          </a>
        </p>
      )}
      <ErrorBox error={villages.error ?? list.error} />
      <ListBody load={list} count={items.length} none={t('orglife.none')}>
        <ul class="meeting-list">
          {items.map((m) => (
            <li key={m.id}>
              <button type="button" class="link" onClick={() => setOpen(m.id)}>
                {m.heldOn} {t(`orglife.kind.${m.kind}`)}：{m.topic}
              </button>
              <span class="muted">
                {' '}
                {m.villageName} · {t('orglife.attendance_counts', m.attendance)}
              </span>
            </li>
          ))}
        </ul>
      </ListBody>
      <Pager offset={offset} limit={PAGE_SIZE} total={list.data?.total ?? 0} onChange={setOffset} />
      {creating && <MeetingForm slug={slug} villages={villages.data ?? []} onClose={() => setCreating(false)} onDone={(id) => (setCreating(false), list.reload(), setOpen(id))} />}
      {open && <MeetingDetail slug={slug} id={open} onClose={() => setOpen(undefined)} onChanged={() => list.reload()} />}
    </section>
  );
}

/**
 * Where a member's phone lands from the meeting's QR (/t/<slug>/checkin?m=<meeting>&k=<token>), signed in as a
 * party member: one button, the server checks the token (fresh, of this meeting) and the meeting's time.
 */
export function CheckInPage(props: { slug: string }) {
  const params = new URLSearchParams(location.search);
  const meetingId = params.get('m') ?? '';
  const token = params.get('k') ?? '';
  const [done, setDone] = useState<{ name: string; topic: string }>();
  const submit = useSubmit(async () => {
    setDone(await call(orglife(props.slug).checkin[':id'].$post({ param: { id: meetingId }, json: { token } })));
  });
  return (
    <section>
      <h1>{t('orglife.checkin_qr')}</h1>
      {done ? (
        <p role="status">{t('orglife.checkin_done', { name: done.name, topic: done.topic })}</p>
      ) : (
        <p>
          <button type="button" disabled={submit.busy || !meetingId || !token} onClick={() => submit.run()}>
            {t('orglife.checkin_button')}
          </button>
        </p>
      )}
      <ErrorBox error={submit.error} />
    </section>
  );
}
