/**
 * The evaluation centre's big screen (/screen?t=<township>&s=<session id>): made for a TV across a room.
 * The village, the rotating QR code (SVG drawn by the server) with the session code, check code and
 * short URL for typing, and live counts per rater group polled every 3 s. `&poster=1` is the printable
 * QR poster (a token valid for the whole session) for sessions run without a screen; without `s` it
 * lists the sessions to choose from. Signed in as the township or the village secretary.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiProblem, tenantApi, tenantSlug } from '../shared/api';
import '../shared/base.css';
import { createT, currentLocale, setLocale, shanghaiTime } from '../shared/i18n';
import { en, zhCN } from './messages';
import './screen.css';

const t = createT({ 'zh-CN': zhCN, en });
type Key = keyof typeof zhCN;

const params = new URLSearchParams(location.search);
const slug = tenantSlug();
const sessionId = params.get('s');
const LIVE_MS = 3_000;
const GROUPS = ['villager', 'self', 'peer', 'leader'] as const;
type Group = (typeof GROUPS)[number];

interface SessionView {
  id: string;
  code: string;
  campaignName: string;
  year: number;
  villageName: string;
  branchName: string;
  opensAt: string;
  closesAt: string;
  status: 'open' | 'closed';
}
interface Qr {
  code: string;
  pin: string;
  url: string;
  shortUrl: string;
  rotatesAt: string;
  rotateSeconds: number;
  svg: string;
}
interface Live {
  status: 'open' | 'closed';
  closesAt: string;
  groups: Record<Group, { ballots: number; voters: number }>;
  ballots: number;
  voters: number;
}

const evaluation = (path: string) => tenantApi(`/evaluation${path}`);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const link = (extra: Record<string, string>) => `${location.pathname}?${new URLSearchParams({ ...(slug ? { t: slug } : {}), ...extra })}`;
/** "https://x.cn/vote?t=a&c=B" → "x.cn/vote?t=a&c=B": what people type. */
const bare = (url: string) => url.replace(/^https?:\/\//, '');
/** "10:30" in Asia/Shanghai. */
const clock = (iso: string) => new Date(iso).toLocaleTimeString(currentLocale(), { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });

function Language() {
  return (
    <button class="secondary lang no-print" onClick={() => setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')}>
      {t('language')}
    </button>
  );
}

function Login({ onDone }: { onDone: () => void }) {
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState('');
  return (
    <main class="narrow">
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          setProblem('');
          try {
            await api.post('/api/auth/login', { phone: phone.trim(), password });
            onDone();
          } catch (err) {
            setProblem(message(err));
          }
        }}
      >
        <h1>{t('loginTitle')}</h1>
        <p class="muted">{t('loginHint')}</p>
        <label for="phone">{t('loginPhone')}</label>
        <input id="phone" type="tel" inputMode="numeric" maxLength={11} autoComplete="username" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        <label for="password">{t('loginPassword')}</label>
        <input id="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {problem && <p class="error">{problem}</p>}
        <button type="submit" class="block">
          {t('loginGo')}
        </button>
      </form>
      <Language />
    </main>
  );
}

/** The sessions of the township (or the secretary's village), open ones first. */
function Choose() {
  const [items, setItems] = useState<SessionView[] | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    api.get<{ items: SessionView[] }>(evaluation('/sessions')).then(
      (r) => setItems([...r.items].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1))),
      (err) => setProblem(message(err)),
    );
  }, []);
  return (
    <main class="narrow">
      <h1>{t('chooseTitle')}</h1>
      {problem && <p class="error">{problem}</p>}
      {items && !items.length && <p class="muted">{t('noSessions')}</p>}
      <ul class="sessions">
        {items?.map((s) => (
          <li class="card">
            <div class="session-name">
              {s.branchName} <span class={`status status-${s.status}`}>{t(`status_${s.status}`)}</span>
            </div>
            <div class="muted">
              {s.campaignName} · {shanghaiTime(s.opensAt)} – {shanghaiTime(s.closesAt)} · {s.code}
            </div>
            <a class="button" href={link({ s: s.id })}>
              {t('openScreen')}
            </a>{' '}
            <a class="button secondary" href={link({ s: s.id, poster: '1' })}>
              {t('openPoster')}
            </a>
          </li>
        ))}
      </ul>
      <Language />
    </main>
  );
}

/** Runs `task` now and then every `ms` (or when it asks for another delay) until the component goes. */
function usePoll(task: () => Promise<number | void>, ms: number, deps: unknown[] = []) {
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const run = async () => {
      let next: number | void = ms;
      try {
        next = await task();
      } finally {
        if (!stopped) timer = setTimeout(run, Math.max(1_000, next ?? ms));
      }
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
}

/** A screen left on for hours outlives its sign-in: start again at the sign-in form. */
function signedOut(err: unknown) {
  if (err instanceof ApiProblem && err.status === 401) location.reload();
}

function Screen({ session }: { session: SessionView }) {
  const [qr, setQr] = useState<Qr | undefined>();
  const [live, setLive] = useState<Live | undefined>();
  const [offline, setOffline] = useState(false);
  const [problem, setProblem] = useState('');
  const [fullscreen, setFullscreen] = useState(!!document.fullscreenElement);
  const closed = (live?.status ?? session.status) === 'closed';

  usePoll(async () => {
    try {
      const next = await api.get<Live>(evaluation(`/sessions/${session.id}/live`));
      setLive(next);
      setOffline(false);
      return next.status === 'closed' ? 30_000 : LIVE_MS;
    } catch (err) {
      setOffline(true);
      signedOut(err);
      if (err instanceof ApiProblem && err.status >= 400 && err.status < 500) setProblem(err.message);
    }
  }, LIVE_MS);

  // the QR is fetched again just after it rotates (the server says when); a phone still accepts the old one for a while
  usePoll(
    async () => {
      if (closed) return 60_000;
      try {
        const next = await api.get<Qr>(evaluation(`/sessions/${session.id}/qr`));
        setQr(next);
        return Date.parse(next.rotatesAt) - Date.now() + 500;
      } catch (err) {
        signedOut(err);
        if (err instanceof ApiProblem && err.status >= 400 && err.status < 500) setProblem(err.message);
        return 3_000;
      }
    },
    3_000,
    [closed],
  );

  useEffect(() => {
    const onChange = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const minutesLeft = Math.max(0, Math.ceil((Date.parse(live?.closesAt ?? session.closesAt) - Date.now()) / 60_000));
  return (
    <main class={`screen${closed ? ' is-closed' : ''}`}>
      <section class="qr-side">
        {closed ? (
          <p class="closed-note">{t('closed')}</p>
        ) : qr ? (
          <>
            <div class="scan">{t('scan')}</div>
            <a class="qr" href={qr.url} data-url={qr.url} aria-label={t('scan')} dangerouslySetInnerHTML={{ __html: qr.svg }} />
            <div class="type-url">
              {t('typeUrl')} <strong>{bare(qr.shortUrl)}</strong>
            </div>
            <div class="codes">
              <span>
                {t('sessionCode')} <strong class="code">{qr.code}</strong>
              </span>
              <span>
                {t('pin')} <strong class="code pin">{qr.pin}</strong>
              </span>
            </div>
            <div class="note">{t('pinNote', { seconds: qr.rotateSeconds })}</div>
          </>
        ) : (
          <p class="muted">{problem || t('loading')}</p>
        )}
      </section>
      <section class="info-side">
        <div class="campaign">{session.campaignName}</div>
        <h1 class="village">{session.branchName}</h1>
        <div class="time">
          {closed ? t('status_closed') : `${t('closesAt', { time: clock(session.closesAt) })} · ${t('minutesLeft', { n: minutesLeft })}`}
        </div>
        <h2>{t('counts')}</h2>
        <ul class="groups">
          {GROUPS.map((g) => (
            <li class={`group group-${g}`} data-group={g}>
              <span class="label">{t(`group_${g}` as Key)}</span>
              <span class="count">{live?.groups[g].voters ?? '–'}</span>
            </li>
          ))}
        </ul>
        <div class="total" data-total={live?.voters ?? 0}>
          {t('total', { n: live?.voters ?? 0 })} · {t('ballots', { n: live?.ballots ?? 0 })}
        </div>
        {offline && <p class="offline">{problem || t('offline')}</p>}
        {!fullscreen && (
          <div class="tools">
            <button class="secondary" onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
              {t('fullscreen')}
            </button>{' '}
            <a class="button secondary" href={link({ s: session.id, poster: '1' })}>
              {t('openPoster')}
            </a>{' '}
            <Language />
          </div>
        )}
      </section>
    </main>
  );
}

/** The printable poster: a QR valid for the whole session, at print resolution, on one A4 page. */
function Poster({ session }: { session: SessionView }) {
  const [poster, setPoster] = useState<{ svg: string; url: string; code: string } | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    api.get<{ svg: string; url: string; code: string }>(evaluation(`/sessions/${session.id}/poster`)).then(setPoster, (err) => setProblem(message(err)));
  }, []);
  return (
    <main class="poster">
      <div class="poster-title">{t('posterTitle')}</div>
      <h1>{session.branchName}</h1>
      <div class="campaign">{session.campaignName}</div>
      {problem && <p class="error">{problem}</p>}
      {poster && <div class="qr" data-url={poster.url} dangerouslySetInnerHTML={{ __html: poster.svg }} />}
      <p class="scan">{t('posterScan')}</p>
      <p>{t('posterWindow', { from: shanghaiTime(session.opensAt), to: shanghaiTime(session.closesAt) })}</p>
      <p class="muted">
        {t('sessionCode')} {session.code}
      </p>
      <p class="small muted">{t('posterNote')}</p>
      <div class="no-print">
        <button onClick={() => print()}>{t('print')}</button>{' '}
        <a class="button secondary" href={link({ s: session.id })}>
          {t('back')}
        </a>{' '}
        <Language />
      </div>
    </main>
  );
}

function App() {
  const [state, setState] = useState<'loading' | 'login' | 'ready'>('loading');
  const [session, setSession] = useState<SessionView | undefined>();
  const [problem, setProblem] = useState('');
  const load = async () => {
    setProblem('');
    try {
      await api.get('/api/auth/me');
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) return setState('login');
      return setProblem(message(err));
    }
    setState('ready');
    if (!sessionId) return;
    try {
      const view = await api.get<SessionView>(evaluation(`/sessions/${encodeURIComponent(sessionId)}`));
      setSession(view);
      document.title = t('title', { village: view.villageName });
    } catch (err) {
      setProblem(message(err));
    }
  };
  useEffect(() => void load(), []);

  if (problem)
    return (
      <main class="narrow">
        <p class="error">{problem}</p>
        <button onClick={() => void load()}>{t('retry')}</button>
      </main>
    );
  if (state === 'login') return <Login onDone={() => void load()} />;
  if (state === 'loading' || (sessionId && !session)) return <p class="loading">{t('loading')}</p>;
  if (!session) return <Choose />;
  return params.get('poster') === '1' ? <Poster session={session} /> : <Screen session={session} />;
}

render(<App />, document.getElementById('app')!);
