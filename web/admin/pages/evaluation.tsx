/**
 * 在线测评, the township's side of the online evaluation: one page whose sections are chosen by the query
 * (?tab=campaigns|booking|sessions|questionnaires, ?campaign=<id>, ?view=report&campaign&kind&subject),
 * so every view has its own address and the back button works. A party member sees their own reports.
 */
import { useLocation } from 'preact-iso';
import { township } from '../session';
import { t } from '../t';
import { BookingCalendar } from './evaluation-booking';
import { CampaignDetail, CampaignList } from './evaluation-campaigns';
import { QuestionnaireList } from './evaluation-questionnaires';
import { MyReports, ReportView } from './evaluation-report';
import { SessionList } from './evaluation-sessions';
import './evaluation.css';

const TABS = ['campaigns', 'booking', 'sessions', 'questionnaires'] as const;
type Tab = (typeof TABS)[number];

export function EvaluationPage(props: { slug: string }) {
  const { query, path, route } = useLocation();
  const href = (q: Record<string, string>) => `${path}?${new URLSearchParams(q)}`;
  const go = (q: Record<string, string>) => route(href(q));
  const nav = { href, go };

  if (query.view === 'report' && query.campaign && query.subject && (query.kind === 'branch' || query.kind === 'member'))
    return (
      <ReportView
        slug={props.slug}
        campaignId={query.campaign}
        kind={query.kind}
        subjectId={query.subject}
        back={township.value?.role === 'party_member' ? path : href({ campaign: query.campaign })}
      />
    );
  if (township.value?.role === 'party_member') return <MyReports slug={props.slug} href={href} />;

  const tab: Tab = query.campaign ? 'campaigns' : TABS.includes(query.tab as Tab) ? (query.tab as Tab) : 'campaigns';
  return (
    <section>
      <h1>{t('eval.title')}</h1>
      <nav class="tabs ev-tabs" aria-label={t('eval.tabs')}>
        {TABS.map((name) => (
          <a key={name} class="button-link" href={href({ tab: name })} aria-current={tab === name ? 'page' : undefined}>
            {t(`eval.tab.${name}`)}
          </a>
        ))}
      </nav>
      {query.campaign ? (
        <CampaignDetail key={query.campaign} slug={props.slug} id={query.campaign} {...nav} />
      ) : tab === 'booking' ? (
        <BookingCalendar slug={props.slug} query={query} {...nav} />
      ) : tab === 'sessions' ? (
        <SessionList slug={props.slug} query={query} {...nav} />
      ) : tab === 'questionnaires' ? (
        <QuestionnaireList slug={props.slug} />
      ) : (
        <CampaignList slug={props.slug} {...nav} />
      )}
    </section>
  );
}
