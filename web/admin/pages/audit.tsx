import { useEffect, useState } from 'preact/hooks';
import { api, tenantApi } from '../../shared/api';
import { shanghaiTime } from '../../shared/i18n';
import { RequireLogin } from '../frame';
import { isPlatformAdmin, me, township } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { ErrorBox, Field, ListTable, Pager, useLoad } from '../ui';

interface AuditEvent {
  id: string;
  seq: number;
  at: string;
  tenantSlug: string | null;
  actorId: string;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  outcome: 'ok' | 'refused';
  sealed: boolean;
  /** absent for county viewers: who did what and when, not the values */
  changes?: Record<string, [unknown, unknown]> | null;
  clientIp?: string | null;
}
interface Verification {
  ok: boolean;
  rows: number;
  unsealed: number;
  brokenAt: number | null;
  latestAnchor: { day: string; seq: number; hash: string } | null;
}

const LIMIT = 50;
const FILTERS = ['from', 'to', 'actorId', 'action', 'entity'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;

const value = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** 审计日志: the township's trail (or, with no slug, the platform admin's view of every chain), filtered, paged, exported. */
function AuditLog(props: { slug?: string }) {
  const base = (path: string) => (props.slug ? tenantApi(`/audit${path}`, props.slug) : `/api/platform/audit${path}`);
  const [filter, setFilter] = useState<Filter>({ from: '', to: '', actorId: '', action: '', entity: '' });
  const [offset, setOffset] = useState(0);
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v.trim()) as [string, string][]);
  const events = useLoad(() => api.get<{ items: AuditEvent[]; total: number }>(base(`/events?${query}&limit=${LIMIT}&offset=${offset}`)), [query.toString(), offset]);
  const check = useLoad(() => (props.slug ? api.get<Verification>(base('/verify')) : Promise.resolve(undefined)), [props.slug]);
  const set = (key: keyof Filter, text: string) => {
    setFilter({ ...filter, [key]: text });
    setOffset(0);
  };
  const items = events.data?.items ?? [];
  const v = check.data;
  return (
    <>
      <div class="page-head">
        <h1>{t('audit.title')}</h1>
        <a class="button-link" href={base(`/events.csv?${query}`)} download>
          {t('audit.export_csv')}
        </a>
        <a class="button-link" href={base(`/events.xlsx?${query}`)} download>
          {t('audit.export_xlsx')}
        </a>
      </div>
      {v && (
        <p class={v.ok ? 'muted' : 'error'}>
          {v.ok ? t('audit.chain_ok', { rows: v.rows, unsealed: v.unsealed }) : t('audit.chain_broken', { seq: v.brokenAt ?? '?' })}{' '}
          {v.latestAnchor ? t('audit.anchor', { day: v.latestAnchor.day, seq: v.latestAnchor.seq, hash: v.latestAnchor.hash.slice(0, 16) }) : t('audit.no_anchor')}
        </p>
      )}
      <div class="card inline-form">
        {FILTERS.map((key) => (
          <Field key={key} label={t(`audit.filter.${key}`)}>
            {(id) =>
              key === 'from' || key === 'to' ? (
                <input id={id} type="date" value={filter[key]} onChange={(e) => set(key, e.currentTarget.value)} />
              ) : (
                <input id={id} type="text" value={filter[key]} onChange={(e) => set(key, e.currentTarget.value)} />
              )
            }
          </Field>
        ))}
      </div>
      <ErrorBox error={events.error ?? check.error} />
      <ListTable
        load={events}
        count={items.length}
        none={t('audit.none')}
        class="audit-events"
        head={
          <tr>
            <th>{t('audit.column.time')}</th>
            {!props.slug && <th>{t('audit.column.township')}</th>}
            <th>{t('audit.column.actor')}</th>
            <th>{t('audit.column.action')}</th>
            <th>{t('audit.column.entity')}</th>
            <th>{t('audit.column.outcome')}</th>
            <th>{t('audit.column.changes')}</th>
          </tr>
        }
      >
        {items.map((e) => (
          <tr key={e.id}>
            <td>{shanghaiTime(e.at)}</td>
            {!props.slug && <td>{e.tenantSlug ?? t('audit.platform')}</td>}
            <td>
              <button type="button" class="linklike" title={t('audit.only_actor')} onClick={() => set('actorId', e.actorId)}>
                {e.actorName ?? (e.actorId === 'system' ? t('audit.system') : e.actorId === 'anonymous' ? t('audit.anonymous') : e.actorId)}
              </button>
              {e.actorRole && <span class="muted"> · {t(`role.${e.actorRole}` as never)}</span>}
            </td>
            <td>
              <button type="button" class="linklike" title={t('audit.only_action')} onClick={() => set('action', e.action)}>
                {e.action}
              </button>
            </td>
            <td>
              {e.entity}
              {e.entityId && <span class="muted"> {e.entityId}</span>}
            </td>
            <td>{t(`audit.outcome.${e.outcome}`)}</td>
            <td>
              {e.changes &&
                Object.entries(e.changes).map(([field, [from, to]]) => (
                  <div key={field}>
                    {field}: {value(from)} → {value(to)}
                  </div>
                ))}
            </td>
          </tr>
        ))}
      </ListTable>
      {events.data && events.data.total > LIMIT && <Pager offset={offset} limit={LIMIT} total={events.data.total} onChange={setOffset} />}
    </>
  );
}

/** /t/<slug>/audit: the township admin's trail, and the county viewer's (without the changed values). */
export function AuditPage(props: { slug: string }) {
  return <AuditLog slug={props.slug} />;
}

/** /platform/audit: every chain, for the platform admin. */
export function PlatformAuditPage() {
  useEffect(() => void (township.value = undefined), []);
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  return <Shell>{isPlatformAdmin.value ? <AuditLog /> : <p class="error">{t('app.forbidden')}</p>}</Shell>;
}
