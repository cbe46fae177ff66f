/**
 * The evaluation centre's big screen, made for a TV across a room: the village, the rotating QR code (SVG
 * drawn by the server) with the session code, check code and short URL for typing, and live counts per
 * rater group polled every 3 s. Two ways to open it:
 * - unattended, `/screen?t=<township>&screen=<screen id>&key=<display key>` (the screen's display link from
 *   the admin app): no account on the TV; it shows whatever session runs on that screen, the next slot
 *   booked today while none does, and switches by itself when the next session opens;
 * - signed in as the township or the village secretary, `/screen?t=<township>&s=<session id>` shows one
 *   session; `&poster=1` is its printable QR poster (a token valid for the whole session) for sessions run
 *   without a screen; without `s` it lists the sessions to choose from.
 */
import '../shared/legacy';
import { render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, auth, call, tenant, tenantSlug, type AnswerOf } from '../shared/api';
import type { RaterGroup } from '../../src/domain/vocabulary';
import '../shared/base.css';
import { createT, currentLocale, phoneDate, setLocale } from '../shared/i18n';
import { en, zhCN } from './messages';
import { LoginForm } from '../shared/login-form';
import './screen.css';

const t = createT({ 'zh-CN': zhCN, en });
type Key = keyof typeof zhCN;

const params = new URLSearchParams(location.search);
const slug = tenantSlug();
const sessionId = params.get('s');
const displayScreen = params.get('screen');
const displayKey = params.get('key');
const LIVE_MS = 3_000;
/** The rater groups in the order the hall reads them: the villagers' count first. */
const GROUPS: readonly RaterGroup[] = ['villager', 'self', 'peer', 'leader'];

/** The township's evaluation routes the screen calls. */
const evaluation = tenant(slug).evaluation;
type SessionView = AnswerOf<typeof evaluation.sessions[':id']['$get']>;
type Qr = AnswerOf<typeof evaluation.sessions[':id']['qr']['$get']>;
type Live = AnswerOf<typeof evaluation.sessions[':id']['live']['$get']>;
type Counts = Omit<Live, 'id' | 'status' | 'closesAt'>;
/** What the unattended display route answers: the session on the screen now, else the next slot booked today. */
type DisplayState = AnswerOf<typeof evaluation.screens[':id']['display']['$get']>;
type Poster = AnswerOf<typeof evaluation.sessions[':id']['poster']['$get']>;
type Ticket = AnswerOf<typeof evaluation.sessions[':id']['tickets']['$post']>['tickets'][number];
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
  return (
    <main class="narrow">
      <LoginForm class="card" t={t} onDone={onDone}>
        <h1>{t('loginTitle')}</h1>
        <p class="muted">{t('loginHint')}</p>
      </LoginForm>
      <Language />
    </main>
  );
}

/** The sessions of the township (or the secretary's village), open ones first. */
function Choose() {
  const [items, setItems] = useState<SessionView[] | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    call(evaluation.sessions.$get({ query: {} })).then(
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
              {s.campaignName} · {phoneDate(s.opensAt)} – {phoneDate(s.closesAt)} · {s.code}
            </div>
            <a class="button" href={link({ s: s.id })}>
              {t('openScreen')}
            </a>{' '}
            <a class="button secondary" href={link({ s: s.id, poster: '1' })}>
              {t('openPoster')}
            </a>{' '}
            <a class="button secondary" href={link({ s: s.id, tickets: '40' })}>
              {t('openTickets')}
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

function useFullscreen() {
  const [fullscreen, setFullscreen] = useState(!!document.fullscreenElement);
  useEffect(() => {
    const onChange = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  return fullscreen;
}

function FullscreenButton() {
  return (
    <button class="secondary" onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
      {t('fullscreen')}
    </button>
  );
}

/** What the TV shows of one session: the QR side and the village with its live counts. */
function Board(props: {
  session: Pick<SessionView, 'campaignName' | 'branchName' | 'closesAt'>;
  closed: boolean;
  qr: Qr | undefined;
  live: Counts | undefined;
  offline: boolean;
  problem: string;
  /** the screen's name (the unattended display), beside the campaign */
  place?: string;
  tools?: ComponentChildren;
}) {
  const { session, closed, qr, live, problem } = props;
  const minutesLeft = Math.max(0, Math.ceil((Date.parse(session.closesAt) - Date.now()) / 60_000));
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
        <div class="campaign">
          {session.campaignName}
          {props.place && (
            <>
              {' · '}
              <span class="screen-name">{props.place}</span>
            </>
          )}
        </div>
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
        <div class="passes" data-passes={live?.passes ?? 0}>
          {t('passes', { n: live?.passes ?? 0 })} · {t('handovers', { n: live?.handovers ?? 0 })}
        </div>
        {props.offline && <p class="offline">{problem || t('offline')}</p>}
        {props.tools}
      </section>
    </main>
  );
}

/** One session, signed in: live counts and the QR polled from the staff routes. */
function Screen({ session }: { session: SessionView }) {
  const [qr, setQr] = useState<Qr | undefined>();
  const [live, setLive] = useState<Live | undefined>();
  const [offline, setOffline] = useState(false);
  const [problem, setProblem] = useState('');
  const fullscreen = useFullscreen();
  const closed = (live?.status ?? session.status) === 'closed';

  usePoll(async () => {
    try {
      const next = await call(evaluation.sessions[':id'].live.$get({ param: { id: session.id } }));
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
        const next = await call(evaluation.sessions[':id'].qr.$get({ param: { id: session.id } }));
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

  return (
    <Board
      session={{ ...session, closesAt: live?.closesAt ?? session.closesAt }}
      closed={closed}
      qr={qr}
      live={live}
      offline={offline}
      problem={problem}
      tools={
        !fullscreen && (
          <div class="tools">
            <FullscreenButton />{' '}
            <a class="button secondary" href={link({ s: session.id, poster: '1' })}>
              {t('openPoster')}
            </a>{' '}
            <Language />
          </div>
        )
      }
    />
  );
}

/** How long the unattended display waits before asking again: often while a session runs, less so while idle. */
const IDLE_MS = 10_000;

/**
 * The unattended TV: no account, only the screen's display key. One poll answers everything (the session on
 * the screen, its counts and QR, or the next slot), so it switches by itself when a session opens or ends.
 * A wrong or revoked key stops the polling and says so. It shows no button (no staff tools, no language
 * switch): a click anywhere, the remote's OK, makes it full screen.
 */
function Display({ screenId, displayKey }: { screenId: string; displayKey: string }) {
  const [state, setState] = useState<DisplayState | undefined>();
  const [offline, setOffline] = useState(false);
  const [refused, setRefused] = useState<ApiProblem | undefined>();
  // no buttons on the hall's TV: the remote's OK (a click anywhere) makes it full screen
  useEffect(() => {
    const full = () => void document.documentElement.requestFullscreen?.().catch(() => undefined);
    document.addEventListener('click', full);
    return () => document.removeEventListener('click', full);
  }, []);

  usePoll(
    async () => {
      if (refused) return 3_600_000;
      try {
        const next = await call(evaluation.screens[':id'].display.$get({ param: { id: encodeURIComponent(screenId) }, query: { key: displayKey } }));
        setState(next);
        setOffline(false);
        const session = next.session;
        document.title = session ? t('title', { village: session.villageName }) : t('displayTitle', { screen: next.screen.name });
        // idle: ask often once the next slot's time has come (its session may open any moment), else now and then
        const due = next.next && Date.parse(next.next.startsAt) - Date.parse(next.now) < 60_000;
        if (!session || session.status === 'closed' || !session.qr) return due ? LIVE_MS : IDLE_MS;
        // poll the counts every few seconds, and again just after the QR rotates
        return Math.min(LIVE_MS, Date.parse(session.qr.rotatesAt) - Date.now() + 500);
      } catch (err) {
        if (err instanceof ApiProblem && (err.status === 403 || err.status === 404)) setRefused(err);
        else setOffline(true);
        return LIVE_MS;
      }
    },
    LIVE_MS,
    [refused],
  );

  if (refused)
    return (
      <main class="narrow display-refused">
        <h1>{t(refused.status === 403 ? 'displayKeyInvalid' : 'displayScreenGone')}</h1>
        <p>{t('displayKeyHint')}</p>
        <Language />
      </main>
    );
  if (!state) return <p class="loading">{offline ? t('offline') : t('loading')}</p>;
  const { session, next } = state;
  if (session)
    return (
      <Board
        session={session}
        closed={session.status === 'closed'}
        qr={session.qr ?? undefined}
        live={session.live}
        offline={offline}
        problem=""
        place={state.screen.name}
        tools={
          <>
            {next && (
              <p class="next-inline" data-next={next.villageName}>
                {t('displayNext')} {next.branchName} · {clock(next.startsAt)} – {clock(next.endsAt)}
              </p>
            )}
          </>
        }
      />
    );
  return (
    <main class="screen idle">
      <section class="idle-card">
        <div class="screen-name">{state.screen.name}</div>
        <h1>{t('displayWelcome', { township: state.township })}</h1>
        {next ? (
          <div class="next" data-next={next.villageName}>
            <div class="next-label">{t('displayNext')}</div>
            <div class="next-village">{next.branchName}</div>
            <div class="next-time">
              {next.campaignName} · {clock(next.startsAt)} – {clock(next.endsAt)}
            </div>
          </div>
        ) : (
          <p class="next-none">{t('displayNone')}</p>
        )}
        {offline && <p class="offline">{t('offline')}</p>}
      </section>
    </main>
  );
}

/** The printable poster: a QR valid for the whole session, at print resolution, on one A4 page. */
function Poster({ session }: { session: SessionView }) {
  const [poster, setPoster] = useState<Poster | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    call(evaluation.sessions[':id'].poster.$get({ param: { id: session.id } })).then(setPoster, (err) => setProblem(message(err)));
  }, []);
  return (
    <main class="poster">
      <div class="poster-title">{t('posterTitle')}</div>
      <h1>{session.branchName}</h1>
      <div class="campaign">{session.campaignName}</div>
      {problem && <p class="error">{problem}</p>}
      {poster && <div class="qr" data-url={poster.url} dangerouslySetInnerHTML={{ __html: poster.svg }} />}
      <p class="scan">{t('posterScan')}</p>
      <p>{t('posterWindow', { from: phoneDate(session.opensAt), to: phoneDate(session.closesAt) })}</p>
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

/**
 * One-time ballot tickets (一人一票码) to print and cut: `&tickets=N` asks the server for N new tickets of the
 * session (their codes come back once; only their HMACs are kept) and lays them out on A4, a QR and a code each.
 */
function Tickets({ session, count }: { session: SessionView; count: number }) {
  const [tickets, setTickets] = useState<Ticket[] | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    // replaced in the address first: a reload must not print a second batch
    history.replaceState(null, '', link({ s: session.id }));
    call(evaluation.sessions[':id'].tickets.$post({ param: { id: session.id }, json: { count } })).then(
      (r) => setTickets(r.tickets),
      (err) => setProblem(message(err)),
    );
  }, []);
  return (
    <main class="tickets">
      <div class="no-print">
        <h1>{t('ticketsTitle', { village: session.branchName, n: count })}</h1>
        <p>{t('ticketsNote')}</p>
        {problem && <p class="error">{problem}</p>}
        <button onClick={() => print()} disabled={!tickets}>
          {t('print')}
        </button>{' '}
        <a class="button secondary" href={link({ s: session.id })}>
          {t('back')}
        </a>
      </div>
      <ul class="ticket-sheet">
        {tickets?.map((ticket) => (
          <li class="ticket">
            <div class="ticket-head">{session.branchName} · {t('ticketOne')}</div>
            <div class="qr" data-url={ticket.url} dangerouslySetInnerHTML={{ __html: ticket.svg }} />
            <div class="ticket-code">{ticket.code}</div>
            <div class="ticket-hint">{t('ticketHint', { code: session.code })}</div>
          </li>
        ))}
      </ul>
    </main>
  );
}

function App() {
  if (displayScreen && displayKey) return <Display screenId={displayScreen} displayKey={displayKey} />;
  return <SignedIn />;
}

/** The signed-in screen: sign-in form, the list of sessions, one session's screen or its poster. */
function SignedIn() {
  const [state, setState] = useState<'loading' | 'login' | 'ready'>('loading');
  const [session, setSession] = useState<SessionView | undefined>();
  const [problem, setProblem] = useState('');
  const load = async () => {
    setProblem('');
    try {
      await call(auth.me.$get());
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) return setState('login');
      return setProblem(message(err));
    }
    setState('ready');
    if (!sessionId) return;
    try {
      const view = await call(evaluation.sessions[':id'].$get({ param: { id: encodeURIComponent(sessionId) } }));
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
  const tickets = Number(params.get('tickets'));
  if (Number.isInteger(tickets) && tickets >= 1 && tickets <= 500) return <Tickets session={session} count={tickets} />;
  return params.get('poster') === '1' ? <Poster session={session} /> : <Screen session={session} />;
}

render(<App />, document.getElementById('app')!);
