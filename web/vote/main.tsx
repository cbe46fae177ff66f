/**
 * The phone ballot (/vote?t=<township>&c=<session code>&k=<QR token>): scanned from the big screen,
 * opened on cheap phones over slow rural networks. No router, no admin code, no charts: Preact, this
 * file, its catalogue and the outbox. `&tally=1` shows the session's public tally (count, Merkle root, receipts
 * sorted by code) and checks this phone's receipt against the root itself.
 */
import '../shared/legacy';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiProblem, call, tenant, tenantSlug, type AnswerOf, type BodyOf } from '../shared/api';
import '../shared/base.css';
import { createT, currentLocale, setLocale } from '../shared/i18n';
import { en, zhCN } from './messages';
import { verifyInclusion } from '../../src/domain/merkle';
import { mayBeUnknown } from '../../src/domain/unknown-subject';
import { VOTER_KINDS, type VoterKind } from '../../src/domain/vocabulary';
import { applyElder, ElderSwitch, speak, useChineseVoice } from '../shared/elder';
import { LoginForm } from '../shared/login-form';
import { clearDraft, loadDraft, saveDraft, type Draft } from './draft';
import { enqueue, flush, forgetOutcomes, outcomes, pending, randomId, stalled, subscribe, type Outcome, type Receipt } from './outbox';
import './vote.css';

const t = createT({ 'zh-CN': zhCN, en });
type Key = keyof typeof zhCN;

const COMMENT_MAX = 300;
const params = new URLSearchParams(location.search);
const slug = tenantSlug();
const code = (params.get('c') ?? '').trim().toUpperCase();
const sessionKey = `${slug}|${code}`;
/** This session's routes (GET /evaluation/vote/:code and below) and the code in their path. */
const vote = tenant(slug).evaluation.vote[':code'];
const param = { code: encodeURIComponent(code) };
/** A pass request: the server draws this phone's pass (or gives back the one it holds); as a villager the reply also says what it has voted on. */
const passBody = (token: string) => ({ param, json: { token, voter: { kind: 'villager' as const } } });

type Info = AnswerOf<typeof vote.$get>;
type PassData = AnswerOf<typeof vote.pass.$post>;
type Identified = AnswerOf<typeof vote.identify.$post>;
type Subject = PassData['subjects'][number];
type Item = PassData['questionnaire']['items']['self'][number];
type Group = Identified['subjects'][number]['raterGroup'];
type Submission = BodyOf<typeof vote.ballots.$post>;
const subjectKey = (kind: string, id: string) => `${kind}:${id}`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const withParams = (extra: Record<string, string>, drop: string[] = []) => {
  const next = new URLSearchParams(location.search);
  for (const key of drop) next.delete(key);
  for (const [key, value] of Object.entries(extra)) next.set(key, value);
  return `${location.pathname}?${next}`;
};

type Early = Promise<{ status: number; ok: boolean; body: { code?: string; message?: string } | null }>;
/** The requests vote.html started before this code arrived (first load only). */
let early = (window as { __xpVote?: { info: Early; pass: Early | null } }).__xpVote;
function settled<T>(reply: Early): Promise<T> {
  return reply.then(
    (r) => {
      if (!r.ok) throw new ApiProblem(r.status, r.body?.code ?? 'error', r.body?.message ?? String(r.status));
      return r.body as T;
    },
    () => {
      throw new ApiProblem(0, 'network', t('network'));
    },
  );
}

/** The pass is good until the session ends: kept per session so a reload (or a later retry) needs no new scan. */
const PASS_KEY = `xp_pass|${sessionKey}`;
function storedPass(): PassData | undefined {
  try {
    const data = JSON.parse(localStorage.getItem(PASS_KEY) ?? 'null') as PassData | null;
    return data && data.expiresAt > new Date().toISOString() ? data : undefined;
  } catch {
    return undefined;
  }
}
function forgetPass() {
  try {
    localStorage.removeItem(PASS_KEY);
  } catch {
    /* nothing stored */
  }
}
function keepPass(data: PassData) {
  try {
    // what this phone had voted on is true only now: not stored
    const { identified: _now, ...lasting } = data;
    localStorage.setItem(PASS_KEY, JSON.stringify(lasting));
  } catch {
    /* storage refused: the page keeps working until it is closed */
  }
  // the QR token has done its job; a reload uses the stored pass
  if (params.has('k')) history.replaceState(null, '', withParams({}, ['k']));
}

function Footer() {
  return (
    <footer>
      <button class="secondary" onClick={() => setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en')}>
        {t('language')}
      </button>
    </footer>
  );
}

function Header({ info }: { info?: Info }) {
  return (
    <header class="hero">
      <ElderSwitch labels={{ on: t('elderOn'), off: t('elderOff') }} />
      <div class="township">{info ? `${info.township} · ${info.campaign.name}` : ' '}</div>
      <h1>{info?.branchName ?? t('enterTitle')}</h1>
    </header>
  );
}

/** No code in the link (typed by hand): the session code, then the 6-digit check code on the screen. */
function EnterCode({ error }: { error?: string }) {
  const [value, setValue] = useState(code);
  return (
    <>
      <Header />
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) location.assign(withParams({ c: value.trim().toUpperCase() }, ['k']));
        }}
      >
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <label for="code">{t('enterCode')}</label>
        <input id="code" autoCapitalize="characters" autoComplete="off" maxLength={12} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <button type="submit" class="block">
          {t('enterGo')}
        </button>
        <p class="small muted">{t('shortHint', { address: `${location.host}${slug ? `/t/${slug}` : ''}/v/…` })}</p>
      </form>
      <Footer />
    </>
  );
}

/**
 * A typed code sent, and sent again by itself when the answer is "wait a second": a hall's phones behind one address
 * type their codes at the same moment, and while the free tries are all being checked the rest wait a moment
 * (auth/throttle.ts). An old villager is not asked to understand that; a real lock (longer) is shown as it is.
 */
async function passForTypedCode(pin: string, tries = 4): Promise<PassData> {
  try {
    return await call(vote.pass.$post(passBody(pin)));
  } catch (err) {
    if (!(err instanceof ApiProblem && err.status === 429 && (err.retryAfter ?? 99) <= 2 && tries > 1)) throw err;
    await new Promise((resolve) => setTimeout(resolve, (err.retryAfter ?? 1) * 1000));
    return passForTypedCode(pin, tries - 1);
  }
}

function PinForm({ error, handover, onPass }: { error: string; handover: boolean; onPass: (data: PassData) => void }) {
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(error);
  return (
    <form
      class="card"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setProblem('');
        try {
          onPass(await passForTypedCode(pin.trim()));
        } catch (err) {
          setProblem(message(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      {handover && (
        <div role="status">
          <h2>{t('handoverTitle')}</h2>
          <p>{t('handoverHint')}</p>
        </div>
      )}
      {problem && <p class="error">{problem}</p>}
      <label for="pin">{t('enterPin')}</label>
      <input id="pin" class="pin" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="one-time-code" required value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
      <p class="small muted">{t('pinHint')}</p>
      <button type="submit" class="block" disabled={busy}>
        {t('enterGo')}
      </button>
    </form>
  );
}

function Question({ item, n, value, onChoose, missing }: { item: Item; n: number; value?: number; onChoose: (i: number) => void; missing: boolean }) {
  const voice = useChineseVoice();
  return (
    <fieldset class={`question${missing ? ' missing' : ''}`}>
      <legend>
        <span class="qno">{t('question', { n })}</span>
        {item.text}
      </legend>
      {voice && (
        <button
          type="button"
          class="speak"
          aria-label={t('speak')}
          onClick={() => speak(t('speakText', { n, text: item.text, options: item.options.map((o) => o.label).join('、') }))}
        >
          🔊
        </button>
      )}
      <div class="options">
        {item.options.map((option, i) => (
          <label class={value === i ? 'opt on' : 'opt'}>
            <input type="radio" name={item.key} checked={value === i} onChange={() => onChoose(i)} />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

type Status = { state: 'saved' } | { state: 'sending' } | { state: 'failed'; message: string } | undefined;

/** The notice of a ballot waiting for the network, with its retry: part of the sticky bar, so nothing ever covers it. */
function Waiting({ status, more }: { status: Status; more?: boolean }) {
  if (status?.state === 'failed')
    return (
      <p class="error" role="alert">
        {t('failed', { message: status.message })}
      </p>
    );
  if (status?.state !== 'saved') return null;
  return (
    <div class="saved" role="status">
      <p>{t(more ? 'savedMore' : 'saved')}</p>
      <button class="secondary retry" onClick={() => void flush()}>
        {t('savedRetry')}
      </button>
    </div>
  );
}

/** What the outbox says of a set of this phone's submissions: still going, saved for later, failed, or all sent. */
function statusOf(ids: string[]): Status {
  const waiting = pending(sessionKey).filter((p) => ids.includes(p.body.clientId));
  if (waiting.length) return { state: waiting.some((p) => stalled(p.body.clientId)) ? 'saved' : 'sending' };
  // a subject already cast (from another phone of this voter, or a lost reply) is settled, not a failure
  const failed = ids.map((id) => outcomes()[id]).find((o) => o?.state === 'failed' && o.code !== 'evaluation.already_voted');
  return failed?.state === 'failed' ? failed : undefined;
}

/** The questionnaire for everyone this voter evaluates, and who they are. */
function Ballot({
  data,
  status,
  memberMode,
  onSubmit,
  onAgain,
}: {
  data: PassData;
  status: Status;
  /** the member ballot: one member per screen, each sent as soon as it is answered */
  memberMode: boolean;
  onSubmit: (body: Submission) => void;
  onAgain: () => void;
}) {
  // who is voting comes back with the draft after a reload (never the PIN: a member types it again)
  const kept = useMemo(() => loadDraft(sessionKey, data.pass).voter, []);
  const [who, setWho] = useState<VoterKind>(kept?.who ?? 'villager');
  const [household, setHousehold] = useState(kept?.household ?? '');
  const [ticket, setTicket] = useState(kept?.ticket || (params.get('ticket') ?? '').toUpperCase());
  const [memberCode, setMemberCode] = useState(kept?.memberCode ?? '');
  const [pin, setPin] = useState('');
  const [identified, setIdentified] = useState<Identified | undefined>(data.identified);
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState('');
  const [needLogin, setNeedLogin] = useState(false);
  const [draft, setDraftState] = useState<Draft>(() => loadDraft(sessionKey, data.pass));
  const [showMissing, setShowMissing] = useState(false);
  const setDraft = (change: (d: Draft) => Draft) =>
    setDraftState((d) => {
      const next = change(d);
      saveDraft(sessionKey, next);
      return next;
    });
  const { answers, texts } = draft;
  useEffect(() => setDraft((d) => ({ ...d, voter: { who, household, ticket, memberCode } })), [who, household, ticket, memberCode]);

  const voter = (): Submission['voter'] =>
    who === 'villager'
      ? {
          kind: 'villager',
          ...(data.requireHouseholdCode ? { householdCode: household.trim() } : {}),
          ...(data.requireBallotTicket ? { ticket: ticket.trim() } : {}),
        }
      : who === 'member'
        ? { kind: 'member', ...(memberCode.trim() ? { memberCode: memberCode.trim(), pin: pin.trim() } : {}) }
        : { kind: 'leader' };

  const identify = async (quiet = false) => {
    setChecking(!quiet);
    setProblem('');
    try {
      const result = await call(vote.identify.$post({ param, json: { pass: data.pass, voter: voter() } }));
      setIdentified(result);
      setNeedLogin(false);
    } catch (err) {
      if (quiet) return;
      if (err instanceof ApiProblem && err.code === 'evaluation.leader_login_required') setNeedLogin(true);
      else setProblem(message(err));
    } finally {
      setChecking(false);
    }
  };

  const choose = (next: VoterKind) => {
    setWho(next);
    setIdentified(undefined);
    setProblem('');
    setNeedLogin(false);
    setShowMissing(false);
  };
  useEffect(() => {
    // a villager's group is known at once; whether this phone already voted comes in the background
    if (who === 'villager' && !data.requireHouseholdCode && !data.requireBallotTicket && !identified) void identify(true);
    if (who === 'leader') void identify();
  }, [who]);

  // villagers answer at once (their group is always 群评); members and leaders once identified
  const rows = useMemo(() => {
    if (who !== 'villager' && !identified) return [];
    return data.subjects.map((subject) => {
      const known = identified?.subjects.find((s) => s.subjectKind === subject.kind && s.subjectId === subject.id);
      const group: Group = known?.raterGroup ?? 'villager';
      return { subject, key: subjectKey(subject.kind, subject.id), group, voted: !!known?.voted, items: data.questionnaire.items[group] ?? [] };
    });
  }, [who, identified, data]);
  type Row = (typeof rows)[number];
  /** settled: its ballot (or 不了解) is in, here or from before; a submission the server refused gives the subject back */
  const settled = (r: Row) => {
    if (r.voted) return true;
    const id = draft.sent[r.key];
    const outcome = id ? outcomes()[id] : undefined;
    return !!id && (outcome?.state !== 'failed' || outcome.code === 'evaluation.already_voted');
  };
  const todo = rows.filter((r) => !settled(r));
  const answered = (r: Row) => r.items.every((item) => answers[r.key]?.[item.key] !== undefined);
  const total = todo.reduce((n, r) => n + r.items.length, 0);
  const done = todo.reduce((n, r) => n + r.items.filter((item) => answers[r.key]?.[item.key] !== undefined).length, 0);

  useEffect(() => {
    if (rows.some((r) => r.items.length)) document.body.dataset.ready = '1';
  }, [rows.length > 0]);

  const sentIds = [...new Set(Object.values(draft.sent))];
  const memberStatus = memberMode ? statusOf(sentIds) : status;
  const locked = !memberMode && (status?.state === 'saved' || status?.state === 'sending');
  const ballotOf = (r: Row) => ({
    subjectKind: r.subject.kind,
    subjectId: r.subject.id,
    answers: answers[r.key] ?? {},
    comment: texts[r.key]?.comment.trim() || undefined,
    problem: texts[r.key]?.problem.trim() || undefined,
  });
  /** Puts one submission in the outbox and marks its subjects as sent; their answers leave the draft. */
  const send = (ballots: Row[], unknown: Row[] = []) => {
    const clientId = `v${randomId()}`;
    onSubmit({
      pass: data.pass,
      clientId,
      voter: voter(),
      ballots: ballots.map(ballotOf),
      ...(unknown.length ? { unknown: unknown.map((r) => ({ subjectKind: r.subject.kind, subjectId: r.subject.id })) } : {}),
    });
    const keys = [...ballots, ...unknown].map((r) => r.key);
    setDraft((d) => ({
      ...d,
      answers: Object.fromEntries(Object.entries(d.answers).filter(([k]) => !keys.includes(k))),
      texts: Object.fromEntries(Object.entries(d.texts).filter(([k]) => !keys.includes(k))),
      sent: { ...d.sent, ...Object.fromEntries(keys.map((k) => [k, clientId])) },
      unknown: [...d.unknown.filter((k) => !keys.includes(k)), ...unknown.map((r) => r.key)],
    }));
    setShowMissing(false);
  };
  const submit = () => {
    if (done < total) {
      setShowMissing(true);
      setTimeout(() => document.querySelector('.question.missing')?.scrollIntoView({ block: 'center', behavior: 'smooth' }));
      return;
    }
    onSubmit({ pass: data.pass, clientId: `v${randomId()}`, voter: voter(), ballots: todo.map(ballotOf) });
  };
  const choice = (r: Row, item: Item, i: number) =>
    !locked && setDraft((d) => ({ ...d, answers: { ...d.answers, [r.key]: { ...d.answers[r.key], [item.key]: i } } }));

  const questions = (r: Row) => (
    <>
      {r.items.map((item, i) => (
        <Question item={item} n={i + 1} value={answers[r.key]?.[item.key]} missing={showMissing && answers[r.key]?.[item.key] === undefined} onChoose={(c) => choice(r, item, c)} />
      ))}
      <details>
        <summary>{t('more')}</summary>
        {(['comment', 'problem'] as const).map((field) => (
          <>
            <label for={`${field}-${r.key}`}>{t(field)}</label>
            <textarea
              id={`${field}-${r.key}`}
              rows={3}
              maxLength={COMMENT_MAX}
              placeholder={t('chars', { max: COMMENT_MAX })}
              disabled={locked}
              value={texts[r.key]?.[field] ?? ''}
              onInput={(e) => {
                const value = e.currentTarget.value;
                setDraft((d) => ({ ...d, texts: { ...d.texts, [r.key]: { ...(d.texts[r.key] ?? { comment: '', problem: '' }), [field]: value } } }));
              }}
            />
          </>
        ))}
      </details>
    </>
  );
  const heading = (r: Row) => (
    <h2>
      {r.subject.name}
      {r.subject.isSecretary && <em class="tag">{t('secretary')}</em>}
      <span class="group">{t(`group_${r.group}` as Key)}</span>
    </h2>
  );

  // the member ballot: every member settled and nothing left in the outbox → the receipts of all of them
  const started = sentIds.length > 0;
  if (memberMode && rows.length && !todo.length && started && !memberStatus) {
    const receipts = sentIds.flatMap((id) => {
      const outcome = outcomes()[id];
      return outcome?.state === 'sent' ? outcome.receipts : [];
    });
    return <Done receipts={receipts} subjects={data.subjects} unknown={draft.unknown.length} onAgain={onAgain} />;
  }
  const current = memberMode ? todo[0] : undefined;

  return (
    <>
      <p class="anon">{t('anonymous')}</p>
      {started && memberMode && rows.length > 0 ? (
        <p class="card who-line">{t('whoIs', { who: t(`who_${who}`) })}</p>
      ) : (
        <section class="card who">
          <div class="tabs" role="tablist" aria-label={t('whoTitle')}>
            {VOTER_KINDS.map((w) => (
              <button role="tab" aria-selected={who === w} class={who === w ? 'tab on' : 'tab'} disabled={locked} onClick={() => choose(w)}>
                {t(`who_${w}`)}
              </button>
            ))}
          </div>
          {who === 'villager' && data.requireBallotTicket && (
            <>
              <label for="ticket">{t('ticket')}</label>
              <input id="ticket" autoCapitalize="characters" maxLength={20} value={ticket} disabled={locked} onInput={(e) => setTicket(e.currentTarget.value)} />
            </>
          )}
          {who === 'villager' && data.requireHouseholdCode && (
            <>
              <label for="household">{t('householdCode')}</label>
              <input id="household" autoCapitalize="characters" maxLength={20} value={household} disabled={locked} onInput={(e) => setHousehold(e.currentTarget.value)} />
            </>
          )}
          {who === 'member' && !identified && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void identify();
              }}
            >
              <p class="small muted">{t('memberHint')}</p>
              <label for="member-code">{t('memberCode')}</label>
              <input id="member-code" autoCapitalize="characters" maxLength={20} value={memberCode} onInput={(e) => setMemberCode(e.currentTarget.value)} />
              <label for="member-pin">{t('memberPin')}</label>
              <input id="member-pin" type="password" inputMode="numeric" maxLength={20} value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
              <button type="submit" class="block" disabled={checking}>
                {checking ? t('checking') : t('memberGo')}
              </button>
            </form>
          )}
          {who === 'leader' && needLogin && (
            <LoginForm class="login" t={t} onDone={() => void identify()}>
              <p class="small muted">{t('leaderHint')}</p>
            </LoginForm>
          )}
          {who === 'leader' && checking && <p class="muted">{t('checking')}</p>}
          {identified?.voter.name && <p class="hello">{t('voterName', { name: identified.voter.name })}</p>}
          {problem && <p class="error">{problem}</p>}
        </section>
      )}

      {memberMode ? (
        <>
          {current && (
            <section class="card subject step" key={current.key}>
              <div class="step-head">
                <span class="position">{t('position', { n: rows.indexOf(current) + 1, total: rows.length })}</span>
                <span class="small muted">{t('settled', { n: rows.length - todo.length })}</span>
              </div>
              <progress max={rows.length} value={rows.length - todo.length} aria-label={t('position', { n: rows.indexOf(current) + 1, total: rows.length })} />
              {heading(current)}
              {questions(current)}
            </section>
          )}
          {rows.length > 0 && !current && !started && <p class="card voted">{t('nothingToVote')}</p>}
          {(current || memberStatus) && (
            <div class="submit-bar">
              <Waiting status={memberStatus} more={!!current} />
              {current && (
                <div class="actions">
                  {mayBeUnknown(current.subject.kind, current.group) && (
                    <button class="secondary unknown" onClick={() => send([], [current])}>
                      {t('unknown')}
                    </button>
                  )}
                  <button
                    class="submit"
                    onClick={() => {
                      if (!answered(current)) {
                        setShowMissing(true);
                        setTimeout(() => document.querySelector('.question.missing')?.scrollIntoView({ block: 'center', behavior: 'smooth' }));
                        return;
                      }
                      send([current]);
                      scrollTo(0, 0);
                    }}
                  >
                    {todo.length > 1 ? t('submitNext') : t('submitLast')}
                  </button>
                </div>
              )}
              {current && showMissing && !answered(current) && <p class="progress">{t('unansweredMember', { n: current.items.filter((item) => answers[current.key]?.[item.key] === undefined).length })}</p>}
            </div>
          )}
        </>
      ) : (
        <>
          {rows.map((r) => (
            <section class="card subject" key={r.key}>
              {heading(r)}
              {r.voted ? <p class="voted">{t('alreadyVoted')}</p> : questions(r)}
            </section>
          ))}
          {rows.length > 0 && !todo.length && <p class="card voted">{t('nothingToVote')}</p>}
          {(todo.length > 0 || status) && (
            <div class="submit-bar">
              <Waiting status={status} />
              {todo.length > 0 && (
                <div class="actions">
                  <span class="progress">{showMissing && done < total ? t('unanswered', { n: total - done }) : t('progress', { done, total })}</span>
                  <button class="submit" disabled={locked} onClick={submit}>
                    {status?.state === 'sending' ? t('sending') : t('submit')}
                  </button>
                </div>
              )}
            </div>
          )}
        </>
      )}
    </>
  );
}

function Done({ receipts, subjects, unknown = 0, onAgain }: { receipts: Receipt[]; subjects: Subject[]; unknown?: number; onAgain: () => void }) {
  return (
    <section class="card done" role="status">
      <h2>✓ {t('doneTitle')}</h2>
      {unknown > 0 && <p>{t('doneUnknown', { n: unknown })}</p>}
      <p>{t('receiptIntro')}</p>
      <ul class="receipts">
        {receipts.map((r) => (
          <li>
            <span>{subjects.find((s) => s.kind === r.subjectKind && s.id === r.subjectId)?.name ?? ''}</span>
            <code class="receipt">{r.receipt}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="tally-link" href={withParams({ tally: '1', r: receipts[0]?.receipt ?? '' })}>
          {t('tallyLink')}
        </a>
      </p>
      <button class="secondary block" onClick={onAgain}>
        {t('voteAgain')}
      </button>
    </section>
  );
}


/** The last submission of this session made on this phone: still waiting, or its outcome. */
function latestSubmission(): string | undefined {
  const waiting = pending(sessionKey);
  if (waiting.length) return waiting[waiting.length - 1].body.clientId;
  const sent = Object.entries(outcomes()).filter(([, o]) => o.session === sessionKey && o.state === 'sent');
  return sent[sent.length - 1]?.[0];
}

function Session() {
  const [info, setInfo] = useState<Info | undefined>();
  const [data, setData] = useState<PassData | undefined>(storedPass);
  const [error, setError] = useState('');
  const [unknownCode, setUnknownCode] = useState('');
  /** null: no check code needed; text: needed (with why, if anything went wrong) */
  const [pinError, setPinError] = useState<string | null>(null);
  const [current, setCurrent] = useState<string | undefined>(latestSubmission);
  const [round, setRound] = useState(0);
  const [handover, setHandover] = useState(false);
  const [, setTick] = useState(0);

  const load = () => {
    setError('');
    const token = params.get('k');
    const first = early;
    early = undefined;
    (first ? settled<Info>(first.info) : call(vote.$get({ param }))).then(
      (i) => {
        setInfo(i);
        document.title = t('title', { village: i.village });
      },
      // a code that names no session: the page to type it again, saying which code was not found
      (err) => (err instanceof ApiProblem && err.status === 404 ? setUnknownCode(message(err)) : setError(message(err))),
    );
    if (data) return;
    if (!token) return setPinError('');
    (first?.pass ? settled<PassData>(first.pass) : call(vote.pass.$post(passBody(token)))).then(
      (p) => {
        keepPass(p);
        setData(p);
      },
      (err) => (err instanceof ApiProblem && err.status === 403 ? setPinError(err.message) : setError(message(err))),
    );
  };
  useEffect(() => {
    load();
    const off = subscribe(() => setTick((n) => n + 1));
    if (pending(sessionKey).length) void flush();
    return off;
  }, []);

  const waiting = current && pending(sessionKey).some((p) => p.body.clientId === current);
  const outcome: Outcome | undefined = current ? outcomes()[current] : undefined;
  const status: Status = waiting ? { state: stalled(current) ? 'saved' : 'sending' } : outcome?.state === 'failed' ? outcome : undefined;
  // a pass the server no longer accepts is forgotten: the voter enters the check code (or scans) again
  const passRefused = outcome?.state === 'failed' && outcome.code === 'evaluation.pass_invalid';
  useEffect(() => {
    if (!passRefused) return;
    forgetPass();
    clearDraft(sessionKey);
    setData(undefined);
    setPinError(outcome.message);
    setCurrent(undefined);
  }, [passRefused]);

  // 另一人投票: this phone forgets the pass (here and in its cookie), the answers and the receipts; the next voter scans afresh
  const handOver = () => {
    if (data) void call(vote.pass.release.$post({ param, json: { pass: data.pass } })).catch(() => undefined);
    forgetPass();
    forgetOutcomes(sessionKey);
    clearDraft(sessionKey);
    if (params.has('k') || params.has('ticket')) history.replaceState(null, '', withParams({}, ['k', 'ticket']));
    params.delete('k');
    params.delete('ticket');
    setData(undefined);
    setPinError('');
    setHandover(true);
    setCurrent(undefined);
    setRound((n) => n + 1);
  };

  if (unknownCode) return <EnterCode error={t('unknownCode', { code })} />;

  if (error)
    return (
      <>
        <Header info={info} />
        <div class="card">
          <p class="error">{error}</p>
          <button onClick={load}>{t('retry')}</button>
        </div>
        <Footer />
      </>
    );
  if (!info || (!data && pinError === null)) return <p class="muted loading">{t('loading')}</p>;
  const tally = (
    <p class="center">
      <a class="tally-link" href={withParams({ tally: '1' })}>
        {t('tallyLink')}
      </a>
    </p>
  );
  const memberMode = info.campaign.subjectKind === 'member';
  return (
    <>
      <Header info={info} />
      {outcome?.state === 'sent' && !memberMode ? (
        <Done receipts={outcome.receipts} subjects={data?.subjects ?? []} onAgain={handOver} />
      ) : info.status === 'closed' && !waiting ? (
        <>
          <p class="card closed">{t('closed')}</p>
          {tally}
        </>
      ) : !data ? (
        <PinForm
          error={pinError ?? ''}
          handover={handover}
          onPass={(p) => {
            keepPass(p);
            setData(p);
            setHandover(false);
          }}
        />
      ) : (
        <>
          <Ballot
            key={round}
            data={round ? { ...data, identified: undefined } : data}
            status={status}
            memberMode={memberMode}
            onAgain={handOver}
            onSubmit={(body) => {
              setCurrent(body.clientId);
              void enqueue({ session: sessionKey, body, savedAt: new Date().toISOString() });
            }}
          />
          {tally}
        </>
      )}
      <Footer />
    </>
  );
}

type TallyData = AnswerOf<typeof vote.tally.$get>;

/** The public tally: the count, the Merkle root once closed, the receipts sorted by code, and this phone's own check of a receipt. */
function Tally() {
  const [info, setInfo] = useState<Info | undefined>();
  const [tally, setTally] = useState<TallyData | undefined>();
  const [error, setError] = useState('');
  const [receipt, setReceipt] = useState((params.get('r') ?? '').toUpperCase());
  const [checked, setChecked] = useState<{ receipt: string; verified: boolean | null } | undefined>();
  const load = (r: string) => {
    setError('');
    call(vote.tally.$get({ param, query: r ? { receipt: r } : {} })).then(async (d) => {
      setTally(d);
      if (!r || d.status !== 'closed') return setChecked(undefined);
      // verified here, on the phone, against the published root: the server's word alone is not the proof
      const verified = d.root !== null && d.found && d.proof ? await verifyInclusion(d.sessionId, r, d.proof, d.root).catch(() => false) : null;
      setChecked({ receipt: r, verified });
    }, (err) => setError(message(err)));
  };
  useEffect(() => {
    call(vote.$get({ param })).then(setInfo, () => undefined);
    load(receipt);
  }, []);
  return (
    <>
      <Header info={info} />
      <section class="card tally">
        <h2>
          {t('tallyTitle')} {tally && <span class="group">{t(`status_${tally.status}`)}</span>}
        </h2>
        {error && <p class="error">{error}</p>}
        {!tally && !error && <p class="muted">{t('loading')}</p>}
        {tally && (
          <>
            <p class="big">{t('tallyCount', { n: tally.count })}</p>
            {tally.root && tally.intact !== undefined && <p class={tally.intact ? 'ok' : 'error'}>{tally.intact ? `✓ ${t('tallyIntact')}` : t('tallyBroken')}</p>}
            {tally.status === 'closed' ? (
              <form
                class="search"
                onSubmit={(e) => {
                  e.preventDefault();
                  load(receipt.trim().toUpperCase());
                }}
              >
                <label for="receipt">{t('tallySearch')}</label>
                <div class="row">
                  <input id="receipt" autoCapitalize="characters" maxLength={20} value={receipt} onInput={(e) => setReceipt(e.currentTarget.value)} />
                  <button type="submit">{t('tallyFind')}</button>
                </div>
              </form>
            ) : (
              <p class="muted">{t('tallyOpen')}</p>
            )}
            {checked && (
              <p class={checked.verified ? 'ok found' : 'error'} role="status">
                {checked.verified === null
                  ? t('tallyNotFound', { receipt: checked.receipt })
                  : checked.verified
                    ? t('tallyVerified', { receipt: checked.receipt })
                    : t('tallyNotVerified', { receipt: checked.receipt })}
              </p>
            )}
            <dl class="hashes">
              <dt>{t('tallyRoot')}</dt>
              <dd>{tally.root ? <code>{tally.root}</code> : <span class="muted">{t('tallyRootAfterClose')}</span>}</dd>
            </dl>
            <p class="small muted">{t('tallyExplain')}</p>
            {tally.receipts && (
              <table>
                <thead>
                  <tr>
                    <th>{t('tallyReceipt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {tally.receipts.map((r) => (
                    <tr class={r === checked?.receipt ? 'mine' : ''}>
                      <td>
                        <code>{r}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
        <p class="center">
          <a href={withParams({}, ['tally', 'r'])}>{t('tallyBack')}</a>
        </p>
      </section>
      <Footer />
    </>
  );
}

function App() {
  if (!code) return <EnterCode />;
  return params.get('tally') === '1' ? <Tally /> : <Session />;
}

applyElder();
render(<App />, document.getElementById('app')!);
