/**
 * The 公示 section of the village page: the branch's level in the township's public notice of the year's
 * star rating, its window, and the objection form (no login, contact optional). Shown only while a notice
 * exists; prints on A4 with the page.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, call, tenant } from '../shared/api';
import { createT } from '../shared/i18n';
import './rating-notice.css';

const zhCN = {
  title: '{year}年度星级评定公示',
  level: '拟评定为 {stars} 星级党支部',
  unrated: '本年度未评定星级',
  window: '公示期：{from}至{to}',
  over: '公示期已结束',
  objectTitle: '对公示结果有异议？',
  objectHint: '请写明理由，可以不留姓名。乡镇党委会逐条核实并答复。',
  content: '异议内容',
  contact: '联系方式（选填）',
  submit: '提交异议',
  sent: '已收到您的异议，乡镇党委会在命名前答复。',
  print: '打印公示（A4）',
  townshipTitle: '{township}{year}年度村党支部星级评定结果公示',
  townshipIntro: '经党支部自评申报、镇党委评定、县委组织部复核（五星级经市委组织部确认），现将评定结果予以公示。公示期间如有异议，可在各村公开页提出。',
  colVillage: '党支部',
  colStars: '星级',
  starsN: '{n}星级',
  plaquesTitle: '授牌名单',
  colPlaque: '牌匾',
  colAwardedBy: '授牌单位',
  colIssued: '授牌日期',
  plaque_city_five_star: '五星级党支部',
  plaque_county_four_star: '四星级党支部',
  noNotice: '本年度评定结果尚未公示',
} as const;
const en: Record<keyof typeof zhCN, string> = {
  title: 'Public notice of the {year} star rating',
  level: 'Proposed: a {stars}-star branch',
  unrated: 'Not rated this year',
  window: 'Notice period: {from} to {to}',
  over: 'The notice period has ended',
  objectTitle: 'Do you object to this result?',
  objectHint: 'Give your reasons; your name is not needed. The township checks and answers each one.',
  content: 'Your objection',
  contact: 'How to reach you (optional)',
  submit: 'Send the objection',
  sent: 'Your objection was received; the township answers it before the naming.',
  print: 'Print the notice (A4)',
  townshipTitle: '{township}: public notice of the {year} star rating of village branches',
  townshipIntro: 'After self-nomination, township scoring and the county re-check (five stars confirmed by the city), the levels are published. Objections may be filed on each village’s page during the notice.',
  colVillage: 'Branch',
  colStars: 'Level',
  starsN: '{n} stars',
  plaquesTitle: 'Plaques awarded',
  colPlaque: 'Plaque',
  colAwardedBy: 'Awarded by',
  colIssued: 'Date',
  plaque_city_five_star: 'Five-star branch',
  plaque_county_four_star: 'Four-star branch',
  noNotice: 'This year’s results have not been published',
};
const t = createT({ 'zh-CN': zhCN, en });

const notices = tenant().rating.years[':year'].notice[':villageId'];
const townshipNotices = tenant().rating.years[':year'].notice;

/** "2026-03-01" → "2026年3月1日" in Chinese (Chinese dates in the notice's sentences). */
function longDay(date: string, zh: boolean): string {
  const [y, m, d] = date.split('-').map(Number);
  return zh ? `${y}年${m}月${d}日` : date;
}

export function RatingNotice({ year, villageId, zh }: { year: number; villageId: string; zh: boolean }) {
  const [notice, setNotice] = useState<{ open: boolean; noticeStartsOn: string | null; noticeEndsOn: string | null; stars: number | null } | null>(null);
  const [content, setContent] = useState('');
  const [contact, setContact] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    call(notices.$get({ param: { year: String(year), villageId: encodeURIComponent(villageId) } })).then(
      (n) => setNotice({ open: n.open, noticeStartsOn: n.noticeStartsOn, noticeEndsOn: n.noticeEndsOn, stars: n.items[0]?.stars ?? null }),
      () => setNotice(null), // no notice this year: the section stays away
    );
  }, [year, villageId]);
  if (!notice) return null;

  async function send(event: Event) {
    event.preventDefault();
    setError('');
    try {
      await call(notices.objections.$post({ param: { year: String(year), villageId: encodeURIComponent(villageId) }, json: { content, ...(contact ? { contact } : {}) } }));
      setSent(true);
    } catch (e) {
      setError(e instanceof ApiProblem ? e.message : String(e));
    }
  }

  return (
    <section class="card rating-notice">
      <h2>{t('title', { year })}</h2>
      <p class="big">{notice.stars ? t('level', { stars: notice.stars }) : t('unrated')}</p>
      {notice.noticeStartsOn && notice.noticeEndsOn && (
        <p class="small">{t('window', { from: longDay(notice.noticeStartsOn, zh), to: longDay(notice.noticeEndsOn, zh) })}</p>
      )}
      {!notice.open && <p class="small muted">{t('over')}</p>}
      {notice.open && !sent && (
        <form class="objection no-print" onSubmit={send}>
          <h3>{t('objectTitle')}</h3>
          <p class="small muted">{t('objectHint')}</p>
          <label>
            {t('content')}
            <textarea required maxLength={500} rows={4} value={content} onInput={(e) => setContent((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            {t('contact')}
            <input type="text" maxLength={60} value={contact} onInput={(e) => setContact((e.target as HTMLInputElement).value)} />
          </label>
          {error && <p role="alert" class="error">{error}</p>}
          <button type="submit">{t('submit')}</button>
        </form>
      )}
      {sent && <p role="status">{t('sent')}</p>}
      <button type="button" class="secondary no-print" onClick={() => window.print()}>
        {t('print')}
      </button>
    </section>
  );
}

type TownshipNoticeData = Awaited<ReturnType<typeof loadTownshipNotice>>;
const loadTownshipNotice = (year: number) => call(townshipNotices.$get({ param: { year: String(year) } }));

/** The township's notice page (镇级公示), printable on A4: every branch's level, and the plaque list once named. */
export function TownshipNotice({ year, zh }: { year: number; zh: boolean }) {
  const [notice, setNotice] = useState<TownshipNoticeData | null | undefined>(undefined);
  useEffect(() => {
    loadTownshipNotice(year).then(setNotice, () => setNotice(null));
  }, [year]);
  if (notice === undefined) return null;
  if (notice === null) return <p class="card muted">{t('noNotice')}</p>;
  return (
    <article class="rating-notice township-notice">
      <h1>{t('townshipTitle', { township: notice.township, year })}</h1>
      <p>{t('townshipIntro')}</p>
      {notice.noticeStartsOn && notice.noticeEndsOn && <p>{t('window', { from: longDay(notice.noticeStartsOn, zh), to: longDay(notice.noticeEndsOn, zh) })}</p>}
      <table class="notice-table">
        <thead>
          <tr>
            <th scope="col">{t('colVillage')}</th>
            <th scope="col">{t('colStars')}</th>
          </tr>
        </thead>
        <tbody>
          {notice.items.map((item) => (
            <tr key={item.villageId}>
              <th scope="row">{item.villageName}</th>
              <td>{item.stars ? t('starsN', { n: item.stars }) : t('unrated')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {notice.plaques.length > 0 && (
        <>
          <h2>{t('plaquesTitle')}</h2>
          <table class="notice-table">
            <thead>
              <tr>
                <th scope="col">{t('colVillage')}</th>
                <th scope="col">{t('colPlaque')}</th>
                <th scope="col">{t('colAwardedBy')}</th>
                <th scope="col">{t('colIssued')}</th>
              </tr>
            </thead>
            <tbody>
              {notice.plaques.map((p) => (
                <tr key={p.villageId}>
                  <th scope="row">{p.villageName}</th>
                  <td>{t(`plaque_${p.kind}`)}</td>
                  <td>{p.awardedBy ?? ''}</td>
                  <td>{longDay(shanghaiDay(p.issuedAt), zh)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <button type="button" class="secondary no-print" onClick={() => window.print()}>
        {t('print')}
      </button>
    </article>
  );
}

/** The Shanghai calendar day of a stored UTC instant. */
const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
