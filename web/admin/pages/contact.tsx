/** 初心三人行 for the township and the village secretary: the contact network, the visit ledger, and coverage. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { call } from '../../shared/api';
import { can, ownVillageId } from '../session';
import { t, type MessageKey } from '../t';
import { ErrorBox, Field, Form, nameChoices, Pager, SelectField, Table, useLoad, useSubmit } from '../ui';
import {
  categoryLabel,
  contactClient,
  groupOf,
  type NetworkReport,
  type Visit,
  type Warning,
} from './contact-types';

type Range = NetworkReport['ranges']['membersPerCommittee'];
import { shanghaiMonth, Stat, Tabs, VillageSelect } from './ledgers-common';
import { loadVillages } from './villages';
import './ledgers.css';

type Tab = 'network' | 'visits' | 'coverage';
const PAGE_SIZE = 20;

function WarningTag(props: { warning: Warning; range: Range }) {
  if (!props.warning) return null;
  return <span class="tag">{t(`contact.warn.${props.warning}`, { range: t('contact.range', { min: props.range.min, max: props.range.max }) })}</span>;
}

/** A linked name with its "end the link" button (managers only). */
function LinkChip(props: { label: string; onRemove?: () => void; removeLabel: string }) {
  return (
    <span class="chip">
      {props.label}
      {props.onRemove && (
        <button type="button" class="chip-x" aria-label={props.removeLabel} onClick={props.onRemove}>
          ✕
        </button>
      )}
    </span>
  );
}

function NetworkTab(props: { slug: string; villageId: string }) {
  const { slug, villageId } = props;
  const data = useLoad(async () => {
    const query = { villageId };
    const [network, memberLinks, householdLinks] = await Promise.all([
      call(contactClient(slug).network.$get({ query })),
      call(contactClient(slug)['member-links'].$get({ query })),
      call(contactClient(slug)['household-links'].$get({ query })),
    ]);
    return { network, memberLinks: memberLinks.items, householdLinks: householdLinks.items };
  }, [slug, villageId]);
  const writable = can('township_admin', 'village_secretary');
  const change = useSubmit(async (action: () => Promise<unknown>) => {
    await action();
    data.reload();
  });

  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <p class="loading">{t('app.loading')}</p>;
  const { network, memberLinks, householdLinks } = data.data;
  const { ranges } = network;
  const unlink = (kind: 'member-links' | 'household-links', id: string, a: string, b: string) =>
    change.run(async () => {
      if (!confirm(t('contact.confirm_unlink', { a, b }))) return;
      await call(contactClient(slug)[kind][':id'].$delete({ param: { id } }));
    });

  return (
    <div>
      <p class="muted">
        {t('contact.ranges', {
          cm: t('contact.range', { ...ranges.membersPerCommittee }),
          hm: t('contact.range', { ...ranges.householdsPerMember }),
        })}
      </p>
      <p class={network.warnings ? 'warn-line' : 'ok'}>{network.warnings ? t('contact.warnings', { n: network.warnings }) : t('contact.no_warnings')}</p>
      <ErrorBox error={change.error} />

      <LinkTier
        title="contact.committee_title"
        ownerLabel="contact.committee_member"
        targetLabel="contact.member"
        linkedLabel="contact.linked_members"
        linkButton="contact.link_member"
        unlinkedLabel="contact.unlinked_members"
        range={ranges.membersPerCommittee}
        rows={network.committee.map((r) => ({ id: r.memberId, name: r.name, count: r.linkedMembers, warning: r.warning }))}
        links={memberLinks.map((l) => ({ id: l.id, ownerId: l.committeeMemberId, label: l.memberName }))}
        targets={network.unlinkedMembers.map((m) => ({ id: m.memberId, name: m.name }))}
        writable={writable}
        busy={change.busy}
        onLink={(committeeMemberId, memberId, linked) =>
          change.run(async () => {
            await call(contactClient(slug)['member-links'].$post({ json: { committeeMemberId, memberId } }));
            linked();
          })
        }
        onUnlink={(link, owner) => unlink('member-links', link.id, owner, link.label)}
      />
      <LinkTier
        title="contact.member_title"
        ownerLabel="contact.member"
        targetLabel="contact.household"
        linkedLabel="contact.linked_households"
        linkButton="contact.link_household"
        unlinkedLabel="contact.unlinked_households"
        range={ranges.householdsPerMember}
        rows={network.members.map((r) => ({ id: r.memberId, name: r.name, count: r.households, warning: r.warning }))}
        links={householdLinks.map((l) => ({ id: l.id, ownerId: l.memberId, label: l.headName }))}
        targets={network.unlinkedHouseholds.map((h) => ({ id: h.id, name: h.headName }))}
        writable={writable}
        busy={change.busy}
        onLink={(memberId, householdId, linked) =>
          change.run(async () => {
            await call(contactClient(slug)['household-links'].$post({ json: { memberId, householdId } }));
            linked();
          })
        }
        onUnlink={(link, owner) => unlink('household-links', link.id, owner, link.label)}
      />
    </div>
  );
}

interface TierRow {
  id: string;
  name: string;
  count: number;
  warning: Warning;
}
interface TierLink {
  id: string;
  ownerId: string;
  label: string;
}

/**
 * One tier of 初心三人行 (committee member → party members, or party member → households): who links whom,
 * with the range warnings, a form to add a link, and who is not linked yet.
 */
function LinkTier(props: {
  title: MessageKey;
  ownerLabel: MessageKey;
  targetLabel: MessageKey;
  linkedLabel: MessageKey;
  linkButton: MessageKey;
  unlinkedLabel: MessageKey;
  range: Range;
  rows: TierRow[];
  links: TierLink[];
  targets: { id: string; name: string }[];
  writable: boolean;
  busy: boolean;
  /** adds the link; calls `linked` once it is stored */
  onLink(ownerId: string, targetId: string, linked: () => void): void;
  onUnlink(link: TierLink, ownerName: string): void;
}) {
  const [owner, setOwner] = useState('');
  const [target, setTarget] = useState('');
  return (
    <>
      <h2>{t(props.title)}</h2>
      <Table
        head={
          <tr>
            <th scope="col">{t(props.ownerLabel)}</th>
            <th scope="col" class="num">{t('contact.count')}</th>
            <th scope="col">{t(props.linkedLabel)}</th>
          </tr>
        }
      >
        {props.rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">{row.name}</th>
            <td class="num">
              {row.count}
              <div>
                <WarningTag warning={row.warning} range={props.range} />
              </div>
            </td>
            <td class="wrap">
              {props.links
                .filter((l) => l.ownerId === row.id)
                .map((l) => (
                  <LinkChip
                    key={l.id}
                    label={l.label}
                    removeLabel={`${t('ledgers.remove')} ${l.label}`}
                    onRemove={props.writable ? () => props.onUnlink(l, row.name) : undefined}
                  />
                ))}
            </td>
          </tr>
        ))}
      </Table>
      {props.writable && (
        <Form class="inline-form card" onSubmit={() => props.onLink(owner, target, () => setTarget(''))}>
          <SelectField label={t(props.ownerLabel)} required value={owner} onChange={setOwner} blank="—" options={nameChoices(props.rows)} />
          <SelectField label={t(props.targetLabel)} required value={target} onChange={setTarget} blank="—" options={nameChoices(props.targets)} />
          <div>
            <button type="submit" disabled={props.busy || !owner || !target}>
              {t(props.linkButton)}
            </button>
          </div>
        </Form>
      )}
      <p>
        <strong>{t(props.unlinkedLabel)}:</strong>{' '}
        {props.targets.length ? (
          props.targets.map((x) => (
            <span key={x.id} class="tag">
              {x.name}
            </span>
          ))
        ) : (
          <span class="ok">{t('contact.all_linked')}</span>
        )}
      </p>
    </>
  );
}

/** 走访台账: the village's visits of one month, newest first; the secretary moves problems found to the problem list. */
export function VisitLedger(props: { slug: string; villageId?: string; month: string; memberId?: string; compact?: boolean }) {
  const { slug, villageId, month, memberId } = props;
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => {
    const query = { month, limit: String(PAGE_SIZE), offset: String(offset), ...(villageId ? { villageId } : {}), ...(memberId ? { memberId } : {}) };
    return call(contactClient(slug).visits.$get({ query }));
  }, [slug, villageId, month, memberId, offset]);
  const canRaise = can('township_admin', 'village_secretary');
  const raise = useSubmit(async (visit: Visit) => {
    if (!confirm(t('contact.confirm_raise'))) return;
    await call(contactClient(slug).visits[':id'].problem.$post({ param: { id: visit.id }, json: {} }));
    list.reload();
  });
  const items = list.data?.items ?? [];
  return (
    <div>
      <ErrorBox error={list.error ?? raise.error} />
      {list.data && <p class="muted">{t('contact.visits_total', { n: list.data.total })}</p>}
      {list.loading && !list.data ? (
        <p class="loading">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p class="muted">{t('visit.none_this_month')}</p>
      ) : (
        <ul class="visit-list">
          {items.map((v) => (
            <li key={v.id} class="card visit-card">
              <div class="visit-head">
                <strong>{v.householdName}</strong>
                <span class="muted">{v.visitedOn}</span>
              </div>
              <div>
                <span class="tag neutral">{t(groupOf(v.category))}</span>
                <span class="tag">{t(categoryLabel(v.category))}</span>
                {!props.compact && <span class="muted"> · {v.memberName}</span>}
              </div>
              {v.findings && (
                <p class="visit-text">
                  <span class="muted">{t('contact.findings')}:</span>
                  {v.findings}
                </p>
              )}
              {v.request && (
                <p class="visit-text">
                  <span class="muted">{t('contact.request')}:</span>
                  {v.request}
                </p>
              )}
              {v.problemId ? (
                <span class="ok">{t('contact.raised')}</span>
              ) : (
                canRaise &&
                (v.findings || v.request) && (
                  <button type="button" class="secondary small" disabled={raise.busy} onClick={() => raise.run(v)}>
                    {t('contact.raise')}
                  </button>
                )
              )}
            </li>
          ))}
        </ul>
      )}
      {list.data && list.data.total > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} total={list.data.total} onChange={setOffset} />}
    </div>
  );
}

function CoverageTab(props: { slug: string; villageId: string; month: string }) {
  const report = useLoad(
    () => call(contactClient(props.slug).coverage.$get({ query: { villageId: props.villageId, month: props.month } })),
    [props.slug, props.villageId, props.month],
  );
  if (report.error) return <ErrorBox error={report.error} />;
  const r = report.data;
  if (!r) return <p class="loading">{t('app.loading')}</p>;
  const unsigned = r.unsignedHouseholds;
  return (
    <div>
      <p class="muted">{t('contact.cov.as_of', { date: r.asOf })}</p>
      <div class="stats">
        <Stat label={t('contact.cov.visited')} value={`${r.visitedHouseholds}/${r.households}`} />
        <Stat label={t('contact.cov.visits')} value={r.visits} />
        <Stat label={t('contact.cov.linked')} value={`${r.linkedHouseholds}/${r.households}`} warn={r.linkedHouseholds < r.households} />
        <Stat label={t('contact.cov.signed')} value={`${r.signedHouseholds}/${r.linkedHouseholds}`} warn={r.signedHouseholds < r.linkedHouseholds} />
      </div>
      <h2>{t('contact.cov.overdue_title', { days: r.mustVisitDays })}</h2>
      {r.mustVisitOverdue.length === 0 ? (
        <p class="ok">{t('contact.cov.none_overdue')}</p>
      ) : (
        <Table
          head={
            <tr>
              <th scope="col">{t('contact.household')}</th>
              <th scope="col">{t('contact.group.four_must_visit')}</th>
              <th scope="col">{t('contact.cov.last_visit')}</th>
            </tr>
          }
        >
          {r.mustVisitOverdue.map((h) => (
            <tr key={h.householdId}>
              <th scope="row">{h.headName}</th>
              <td class="wrap">
                {h.categories.map((c) => (
                  <span key={c} class="tag">
                    {t(categoryLabel(c))}
                  </span>
                ))}
              </td>
              <td>{h.lastVisitedOn ?? <span class="warn-line">{t('contact.cov.never')}</span>}</td>
            </tr>
          ))}
        </Table>
      )}
      <h2>{t('contact.cov.unsigned_title')}</h2>
      {unsigned.length === 0 ? (
        <p class="ok">{t('contact.cov.all_signed')}</p>
      ) : (
        <Table
          head={
            <tr>
              <th scope="col">{t('contact.household')}</th>
              <th scope="col">{t('contact.member')}</th>
            </tr>
          }
        >
          {unsigned.map((h) => (
            <tr key={`${h.householdId}-${h.memberId}`}>
              <th scope="row">{h.headName}</th>
              <td>{h.memberName}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

/** The 初心三人行 page: pick a village (a secretary has theirs), then the network, the visit ledger or coverage. */
export function ContactPage(props: { slug: string }) {
  const { query } = useLocation();
  const villages = useLoad(() => loadVillages(props.slug), [props.slug]);
  const [chosen, setChosen] = useState(query.villageId ?? '');
  // visit records and coverage (whose must-visit list is the care-tagged households) are personal: not for a county viewer
  const ledgerTabs: { key: Tab; label: string }[] = [
    { key: 'network', label: t('contact.tab.network') },
    ...(can('township_admin', 'village_secretary')
      ? [
          { key: 'visits' as const, label: t('contact.tab.visits') },
          { key: 'coverage' as const, label: t('contact.tab.coverage') },
        ]
      : []),
  ];
  const [tab, setTab] = useState<Tab>(ledgerTabs.find((o) => o.key === query.tab)?.key ?? 'network');
  const [month, setMonth] = useState(shanghaiMonth());
  const villageList = villages.data ?? [];
  const villageId = ownVillageId.value ?? (chosen || (villageList.length === 1 ? villageList[0].id : ''));
  return (
    <section>
      <div class="page-head">
        <h1>{t('contact.title')}</h1>
      </div>
      <ErrorBox error={villages.error} />
      <div class="filters">
        <VillageSelect villages={villageList} value={villageId} onChange={setChosen} />
        {tab !== 'network' && (
          <Field label={t('ledgers.month')}>
            {(id) => <input id={id} type="month" required value={month} max={shanghaiMonth()} onInput={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />}
          </Field>
        )}
      </div>
      <Tabs
        label={t('contact.tabs')}
        value={tab}
        onChange={setTab}
        options={ledgerTabs}
      />
      {!villageId ? (
        <p class="muted">{t('contact.pick_village')}</p>
      ) : tab === 'network' ? (
        <NetworkTab key={villageId} slug={props.slug} villageId={villageId} />
      ) : tab === 'visits' ? (
        <VisitLedger key={villageId + month} slug={props.slug} villageId={villageId} month={month} />
      ) : (
        <CoverageTab slug={props.slug} villageId={villageId} month={month} />
      )}
    </section>
  );
}
