/**
 * The party member's phone page (and the secretary's, on behalf of a member): record a visit to a linked
 * household in a few taps, collect each household's monthly sign-off, and see what was recorded.
 */
import { useState } from 'preact/hooks';
import { call, tenant } from '../../shared/api';
import { me, township } from '../session';
import { t } from '../t';
import { ErrorBox, Field, Form, nameChoices, SelectField, Sheet, useLoad, useSubmit } from '../ui';
import { categoryLabel, contactClient, VISIT_GROUPS, type HouseholdLink, type VisitCategory } from './contact-types';
import type { SignoffMethod } from '../../../src/domain/vocabulary';
import { shrinkPhoto, SignaturePad } from './contact-signature';
import { VisitLedger } from './contact';
import { shanghaiMonth, shanghaiDate, Tabs } from './ledgers-common';
import './ledgers.css';

type Tab = 'record' | 'signoff' | 'mine';

/** The party member this account is, in this township (undefined for a secretary). */
function ownMemberId(): string | undefined {
  const tw = township.value;
  return me.value?.roles.find((r) => r.role === 'party_member' && r.tenant?.slug === tw?.slug)?.memberId ?? undefined;
}

function RecordVisit(props: { slug: string; memberId?: string; households: HouseholdLink[]; onSaved(): void }) {
  const isSecretary = township.value?.role === 'village_secretary';
  const [householdId, setHouseholdId] = useState(props.households.length === 1 ? props.households[0].householdId : '');
  const [visitedOn, setVisitedOn] = useState(shanghaiDate());
  const [category, setCategory] = useState<VisitCategory | ''>('');
  const [findings, setFindings] = useState('');
  const [request, setRequest] = useState('');
  const [raise, setRaise] = useState(false);
  const [saved, setSaved] = useState('');
  const submit = useSubmit(async () => {
    setSaved('');
    const household = props.households.find((h) => h.householdId === householdId);
    if (!household) throw new Error(t('visit.need_household'));
    if (!category) throw new Error(t('visit.need_category'));
    const visit = await call(
      contactClient(props.slug).visits.$post({
        json: {
          ...(props.memberId && isSecretary ? { memberId: props.memberId } : {}),
          householdId,
          visitedOn,
          category,
          findings: findings.trim(),
          request: request.trim(),
        },
      }),
    );
    let raised = false;
    if (raise && (visit.findings || visit.request)) {
      await call(contactClient(props.slug).visits[':id'].problem.$post({ param: { id: visit.id }, json: {} }));
      raised = true;
    }
    setSaved(
      raised ? t('visit.saved_raised') : t('visit.saved', { name: household.headName, date: visit.visitedOn, category: t(categoryLabel(visit.category)) }),
    );
    setCategory('');
    setFindings('');
    setRequest('');
    setRaise(false);
    props.onSaved();
  });

  return (
    <Form class="visit-form" onSubmit={submit.run}>
      <fieldset class="pick">
        <legend>{t('visit.pick_household')}</legend>
        {props.households.map((h) => (
          <label key={h.householdId} class={`pick-option${householdId === h.householdId ? ' chosen' : ''}`}>
            <input type="radio" name="household" value={h.householdId} checked={householdId === h.householdId} onChange={() => setHouseholdId(h.householdId)} />
            <span>
              <strong>{h.headName}</strong>
              {h.address && <span class="muted pick-sub">{h.address}</span>}
            </span>
          </label>
        ))}
      </fieldset>
      <Field label={t('visit.date')}>
        {(id) => <input id={id} type="date" required value={visitedOn} max={shanghaiDate()} onInput={(e) => setVisitedOn(e.currentTarget.value)} />}
      </Field>
      <fieldset class="pick">
        <legend>{t('visit.category')}</legend>
        {VISIT_GROUPS.map((group) => (
          <div key={group.key} class="cat-group" role="group" aria-label={t(`contact.group.${group.key}`)}>
            <div class="cat-group-title">{t(`contact.group.${group.key}`)}</div>
            <div class="cat-chips">
              {group.categories.map((c) => (
                <label key={c} class={`cat-chip${category === c ? ' chosen' : ''}`}>
                  <input type="radio" name="category" value={c} checked={category === c} onChange={() => setCategory(c)} />
                  <span>{t(categoryLabel(c))}</span>
                </label>
              ))}
            </div>
          </div>
        ))}
      </fieldset>
      <Field label={t('contact.findings')}>
        {(id) => <textarea id={id} rows={3} maxLength={2000} placeholder={t('visit.findings_hint')} value={findings} onInput={(e) => setFindings(e.currentTarget.value)} />}
      </Field>
      <Field label={t('contact.request')}>
        {(id) => <textarea id={id} rows={2} maxLength={2000} placeholder={t('visit.request_hint')} value={request} onInput={(e) => setRequest(e.currentTarget.value)} />}
      </Field>
      <label class="check">
        <input type="checkbox" checked={raise} onChange={(e) => setRaise(e.currentTarget.checked)} />
        <span>{t('visit.raise')}</span>
      </label>
      <ErrorBox error={submit.error} />
      {saved && (
        <p class="ok saved" role="status">
          ✓ {saved}
        </p>
      )}
      <button type="submit" class="block big" disabled={submit.busy}>
        {submit.busy ? t('common.saving') : t('visit.submit')}
      </button>
    </Form>
  );
}

function SignSheet(props: { slug: string; memberId?: string; household: HouseholdLink; month: string; onClose(): void; onDone(): void }) {
  const isSecretary = township.value?.role === 'village_secretary';
  const [signature, setSignature] = useState<string | null>(null);
  const [shrinking, setShrinking] = useState(false);
  const submit = useSubmit(async (method: SignoffMethod, evidence: string | null) => {
    if (!evidence) throw new Error(method === 'signature' ? t('visit.sign_empty') : t('visit.photo_too_big'));
    await call(
      contactClient(props.slug).signoffs.$post({
        json: {
          ...(isSecretary ? { memberId: props.household.memberId } : {}),
          householdId: props.household.householdId,
          month: props.month,
          method,
          evidence,
        },
      }),
    );
    props.onDone();
  });
  return (
    <Sheet title={t('visit.sign_title', { name: props.household.headName, month: props.month })} onClose={props.onClose}>
      <SignaturePad onChange={setSignature} />
      <button type="button" class="block big" disabled={submit.busy || !signature} onClick={() => submit.run('signature', signature)}>
        {submit.busy ? t('common.saving') : t('visit.sign_save')}
      </button>
      <div class="file-pick photo-pick">
        <input
          id="signoff-photo"
          class="sr-only"
          type="file"
          accept="image/*"
          capture="environment"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (!file) return;
            setShrinking(true);
            const data = await shrinkPhoto(file).catch(() => null);
            setShrinking(false);
            submit.run('paper_photo', data);
          }}
        />
        <label for="signoff-photo" class="file-button secondary-file">
          📷 {t('visit.photo')}
        </label>
        {shrinking && <span class="muted">{t('visit.photo_busy')}</span>}
      </div>
      <ErrorBox error={submit.error} />
    </Sheet>
  );
}

function Signoffs(props: { slug: string; memberId?: string; households: HouseholdLink[] }) {
  const [month, setMonth] = useState(shanghaiMonth());
  const [signing, setSigning] = useState<HouseholdLink>();
  const list = useLoad(
    () => call(contactClient(props.slug).signoffs.$get({ query: { month, limit: '500' } })),
    [props.slug, month],
  );
  const signed = new Map((list.data?.items ?? []).map((s) => [`${s.householdId}:${s.memberId}`, s]));
  const count = props.households.filter((h) => signed.has(`${h.householdId}:${h.memberId}`)).length;
  return (
    <div>
      <Field label={t('visit.signoff_month')}>
        {(id) => <input id={id} type="month" required value={month} max={shanghaiMonth()} onInput={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />}
      </Field>
      <ErrorBox error={list.error} />
      {list.data && <p class="muted">{t('visit.signed_count', { signed: count, total: props.households.length })}</p>}
      <ul class="sign-list">
        {props.households.map((h) => {
          const done = signed.get(`${h.householdId}:${h.memberId}`);
          return (
            <li key={h.householdId} class="card sign-row">
              <span>
                <strong>{h.headName}</strong>
                {h.address && <span class="muted pick-sub">{h.address}</span>}
              </span>
              {done ? (
                <span class="ok">
                  ✓ {t('visit.signed')} {done.signedOn}
                </span>
              ) : (
                <button type="button" disabled={!list.data} onClick={() => setSigning(h)} aria-label={`${t('visit.sign')} ${h.headName}`}>
                  {t('visit.sign')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {signing && (
        <SignSheet
          slug={props.slug}
          memberId={props.memberId}
          household={signing}
          month={month}
          onClose={() => setSigning(undefined)}
          onDone={() => {
            setSigning(undefined);
            list.reload();
          }}
        />
      )}
    </div>
  );
}

/** Secretaries record on behalf of a member of their village; a party member is always themselves. */
function MemberPicker(props: { slug: string; value: string; onChange(id: string): void }) {
  const members = useLoad(
    () => call(tenant(props.slug).members.$get({ query: { limit: '500' } })),
    [props.slug],
  );
  return (
    <SelectField label={t('visit.as_member')} value={props.value} onChange={props.onChange} blank="—" options={nameChoices(members.data?.items ?? [])} />
  );
}

export function VisitPage(props: { slug: string }) {
  const own = ownMemberId();
  const isMember = township.value?.role === 'party_member';
  const [picked, setPicked] = useState('');
  const memberId = isMember ? own : picked || undefined;
  const [tab, setTab] = useState<Tab>('record');
  const [version, setVersion] = useState(0);
  const [month, setMonth] = useState(shanghaiMonth());
  const households = useLoad(
    () =>
      memberId
        ? call(contactClient(props.slug)['household-links'].$get({ query: isMember ? {} : { memberId } })).then((r) => r.items)
        : Promise.resolve([] as HouseholdLink[]),
    [props.slug, memberId],
  );
  const list = households.data ?? [];
  return (
    <section class="visit-page">
      <h1>{t('visit.title')}</h1>
      {!isMember && <MemberPicker slug={props.slug} value={picked} onChange={setPicked} />}
      <Tabs
        label={t('visit.tabs')}
        value={tab}
        onChange={setTab}
        options={[
          { key: 'record', label: t('visit.tab.record') },
          { key: 'signoff', label: t('visit.tab.signoff') },
          { key: 'mine', label: t('visit.tab.mine') },
        ]}
      />
      <ErrorBox error={households.error} />
      {!memberId ? null : households.loading && !households.data ? (
        <p class="loading">{t('app.loading')}</p>
      ) : tab === 'mine' ? (
        <>
          <Field label={t('ledgers.month')}>
            {(id) => <input id={id} type="month" required value={month} max={shanghaiMonth()} onInput={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />}
          </Field>
          <VisitLedger key={`${version}-${month}`} slug={props.slug} memberId={isMember ? undefined : memberId} month={month} compact />
        </>
      ) : list.length === 0 ? (
        <p class="notice-box">{t('visit.no_households')}</p>
      ) : tab === 'record' ? (
        <RecordVisit key={memberId} slug={props.slug} memberId={memberId} households={list} onSaved={() => setVersion((v) => v + 1)} />
      ) : (
        <Signoffs key={memberId} slug={props.slug} memberId={memberId} households={list} />
      )}
    </section>
  );
}
