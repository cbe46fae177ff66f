/**
 * The public page of one village (/village?t=<township>&v=<village>): stars, plaques, collective income
 * tier, this year's public decisions and problem lists. No login, no router, no admin code: it must load
 * fast on a cheap phone on a slow rural network. `&print=1` shows the QR code for the village office wall.
 */
import { render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, tenant, tenantApi, type AnswerOf } from '../shared/api';
import '../shared/base.css';
import { createT, currentLocale, setLocale, shanghaiTime } from '../shared/i18n';
import { wanYuan } from '../../src/domain/money';
import { en, zhCN } from './messages';
import './village.css';

const t = createT({ 'zh-CN': zhCN, en });
type Key = keyof typeof zhCN;

/** The public routes of this township (no login). */
const publicVillages = tenant().public.villages;
type VillagePage = AnswerOf<typeof publicVillages[':id']['$get']>;

const params = new URLSearchParams(location.search);
const villageId = params.get('v');
const printing = params.get('print') === '1';

function Stars({ n }: { n: number }) {
  return (
    <span class="stars" role="img" aria-label={t('starsAria', { n })}>
      {'★'.repeat(n)}
      <span class="stars-off">{'★'.repeat(5 - n)}</span>
    </span>
  );
}

/** ¥50,000 as "5万元" in Chinese, other amounts to the fen. */
const money = (fen: number) => wanYuan(fen, currentLocale(), true);

/** "2026-03-01" → "3月1日" in Chinese. */
function day(date: string): string {
  const [, m, d] = date.split('-').map(Number);
  return currentLocale() === 'zh-CN' ? `${m}月${d}日` : date;
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function Page({ page }: { page: VillagePage }) {
  const { branch, incomeTier } = page;
  const [low, high] = page.incomeTiersFen;
  return (
    <>
      <header class="hero">
        <div class="township">{page.township.name}</div>
        <h1>{page.village.branchName}</h1>
        {branch?.stars ? (
          <div class="hero-stars">
            <Stars n={branch.stars} />
            <div>{t('branchStars', { year: branch.year, stars: branch.stars })}</div>
            {branch.stage === 'provisional' && <div class="small">{t('provisional', { at: shanghaiTime(branch.computedAt) })}</div>}
          </div>
        ) : (
          <div class="hero-stars small">{t('noStars')}</div>
        )}
      </header>

      <Section title={t('plaquesTitle')}>
        {page.plaques.length ? (
          <ul class="plain">
            {page.plaques.map((p) => (
              <li class="plaque">{t(`plaque_${p.kind}` as Key, { year: p.year })}</li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('noPlaques')}</p>
        )}
      </Section>

      <Section title={t('incomeTitle')}>
        <p class="big">{incomeTier ? t(`tier_${incomeTier.tier}` as Key, { year: incomeTier.year, low: money(low), high: money(high) }) : t('noIncome')}</p>
      </Section>

      <Section title={t('membersTitle')}>
        {page.members.length ? (
          <ul class="plain members">
            {page.members.map((m) => (
              <li>
                <span class="name">
                  {m.name}
                  {m.isSecretary ? <em>{t('secretary')}</em> : m.isCommittee ? <em>{t('committee')}</em> : null}
                </span>
                <Stars n={m.stars} />
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('noMembers')}</p>
        )}
      </Section>

      <Section title={t('workTitle', { year: page.year })}>
        {page.decisions.length ? (
          page.decisions.map((d) => (
            <article class="matter">
              <h3>{d.title}</h3>
              <div class="small">
                {t(`category_${d.category}` as Key)}
                {d.amountFen !== null && ` · ${t('amount', { amount: money(d.amountFen) })}`}
                {' · '}
                <strong class={`status-${d.status}`}>{t(`status_${d.status}` as Key)}</strong>
              </div>
              <ol class="steps">
                {d.stages.map((s) => (
                  <li class={s.publicText ? 'public' : ''}>
                    <span>{t(`stage_${s.stage}` as Key)}</span> <span class="muted">{day(s.heldOn)}</span>
                    {s.publicText && <p class="public-text">{s.publicText}</p>}
                  </li>
                ))}
              </ol>
            </article>
          ))
        ) : (
          <p class="muted">{t('noWork')}</p>
        )}
      </Section>

      <Section title={t('problemsTitle')}>
        {page.problems?.length ? (
          <ul class="plain">
            {page.problems.map((p) => (
              <li class="problem">
                <div class="small">
                  {p.subjectKind === 'branch' ? t('problemBranch') : t('problemMember', { name: p.memberName ?? '' })} ·{' '}
                  <strong class={`problem-${p.status}`}>{t(`problem_${p.status}` as Key)}</strong>
                </div>
                <p>{p.content}</p>
                {p.measure && <div class="small">{t('measure', { text: p.measure })}</div>}
                {p.deadline && <div class="small">{t('deadline', { date: day(p.deadline) })}</div>}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('noProblems')}</p>
        )}
      </Section>

      {page.tallies.length > 0 && (
        <Section title={t('talliesTitle')}>
          <p class="small muted">{t('talliesHint')}</p>
          <ul class="plain">
            {page.tallies.map((tally) => (
              <li>
                {t('tallyLine', { campaign: tally.campaignName, code: tally.code, n: tally.count })}
                <div class="small">
                  <code class="root">{tally.root}</code>
                </div>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <footer>
        <button class="secondary" onClick={() => setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')}>
          {t('language')}
        </button>
        <a href={`${location.pathname}${location.search}&print=1`}>{t('printQr')}</a>
        <p class="small muted">{t('footer', { township: page.township.name })}</p>
      </footer>
    </>
  );
}

/** The sheet for the village office wall: the village's name and a large QR code of this page. */
function PrintSheet({ page }: { page: VillagePage }) {
  const qr = tenantApi(`/public/villages/${encodeURIComponent(page.village.id)}/qr.svg`);
  return (
    <div class="print-sheet">
      <h1>{page.village.branchName}</h1>
      <img src={qr} alt={t('printTitle', { village: page.village.name })} width={320} height={320} />
      <p class="big">{t('printTitle', { village: page.village.name })}</p>
      <p class="small muted">{page.township.name}</p>
      <div class="no-print">
        <button onClick={() => print()}>{t('print')}</button>{' '}
        <button class="secondary" onClick={() => history.back()}>
          {t('back')}
        </button>
      </div>
    </div>
  );
}

function VillageList() {
  const [villages, setVillages] = useState<{ id: string; name: string }[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    call(publicVillages.$get()).then((r) => setVillages(r.items), (e: Error) => setError(e.message));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!villages) return <p class="muted">{t('loading')}</p>;
  return (
    <Section title={t('pickVillage')}>
      <ul class="plain villages">
        {villages.map((v) => (
          <li>
            <a href={`?${new URLSearchParams({ ...Object.fromEntries(params), v: v.id })}`}>{v.name}</a>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function App() {
  const [page, setPage] = useState<VillagePage | null>(null);
  const [error, setError] = useState('');
  const load = () => {
    setError('');
    call(publicVillages[':id'].$get({ param: { id: encodeURIComponent(villageId!) }, query: {} })).then(
      (p) => {
        setPage(p);
        document.title = t('title', { village: p.village.name });
      },
      (e: Error & { status?: number }) => setError(e.status === 404 ? t('notFound') : e.message),
    );
  };
  useEffect(() => {
    if (villageId) load();
  }, []);
  if (!villageId) return <VillageList />;
  if (error)
    return (
      <div class="card">
        <p class="error">{error}</p>
        <button onClick={load}>{t('retry')}</button>
      </div>
    );
  if (!page) return <p class="muted loading">{t('loading')}</p>;
  return printing ? <PrintSheet page={page} /> : <Page page={page} />;
}

render(<App />, document.getElementById('app')!);
