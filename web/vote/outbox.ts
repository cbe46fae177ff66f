/**
 * Ballots that must survive a dropped rural network: every submission is written to localStorage
 * before it is sent, with the client id the server de-duplicates by, and stays there until the server
 * has answered. A retry (the online event, a timer, the page opened again) resends the same body, so a
 * ballot whose reply was lost is answered with its stored receipts and never counts twice.
 */
import { ApiProblem, call, tenant, type AnswerOf, type BodyOf } from '../shared/api';

const ballots = (slug: string) => tenant(slug).evaluation.vote[':code'].ballots.$post;
export type Receipt = AnswerOf<ReturnType<typeof ballots>>['receipts'][number];

export interface Pending {
  /** the session this belongs to: "<tenant>|<code>" (an entry an earlier page saved also holds its url, the same route) */
  session: string;
  /** what this page sends; an entry saved by an earlier version of the page is sent as it was saved */
  body: BodyOf<ReturnType<typeof ballots>>;
  savedAt: string;
}

export type Outcome = { state: 'sent'; receipts: Receipt[] } | { state: 'failed'; message: string; code: string };

const OUTBOX = 'xp_vote_outbox';
const SEND_TIMEOUT_MS = 30_000;
const RESULTS = 'xp_vote_results';

function read<T>(key: string, fallback: T): T {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T) ?? fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode or full storage: the ballot is still sent while the page stays open */
  }
}

/** Random URL-safe text from the CSPRNG (crypto.randomUUID needs https, which a village page may lack). */
export function randomId(bytes = 16): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// kept in memory as well, so a phone whose storage refuses writes still sends while the page is open
let box = read<Pending[]>(OUTBOX, []);
let results = read<Record<string, Outcome & { session: string }>>(RESULTS, {});

export const pending = (session: string): Pending[] => box.filter((p) => p.session === session);

/** The outcome of each submission sent from this phone, by client id (kept so a reload shows the receipts). */
export const outcomes = (): Record<string, Outcome & { session: string }> => results;

function settle(entry: Pending, outcome: Outcome) {
  box = box.filter((p) => p.body.clientId !== entry.body.clientId);
  results = { ...results, [entry.body.clientId]: { ...outcome, session: entry.session } };
  write(OUTBOX, box);
  write(RESULTS, results);
}

const listeners = new Set<() => void>();
/** Called whenever the outbox changes; returns the unsubscribe function. */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const notify = () => listeners.forEach((l) => l());

/** Submissions that could not be sent at least once: the page shows them as saved, waiting for the network. */
const stalledIds = new Set<string>();
export const stalled = (clientId: string) => stalledIds.has(clientId) || navigator.onLine === false;

let flushing: Promise<void> | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let delay = 5_000;

/** Sends everything in the outbox once; what fails for want of a network stays for the next try. */
export function flush(): Promise<void> {
  flushing ??= (async () => {
    let offline = false;
    for (const entry of [...box]) {
      // a reply that never comes (a stalled connection) counts as no network: the retry is answered with the same receipts
      const abort = new AbortController();
      const timeout = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
      try {
        const [slug, code] = [entry.session.slice(0, entry.session.indexOf('|')), entry.session.slice(entry.session.indexOf('|') + 1)];
        const reply = await call(ballots(slug)({ param: { code: encodeURIComponent(code) }, json: entry.body }, { init: { signal: abort.signal } }));
        settle(entry, { state: 'sent', receipts: reply.receipts });
      } catch (error) {
        const problem = error instanceof ApiProblem ? error : new ApiProblem(0, 'network', String(error));
        // no network, a gateway error or an overloaded server: keep it and try again
        if (problem.status === 0 || problem.status >= 500 || problem.status === 429) {
          offline = true;
          stalledIds.add(entry.body.clientId);
        } else settle(entry, { state: 'failed', message: problem.message, code: problem.code });
      } finally {
        clearTimeout(timeout);
      }
    }
    clearTimeout(timer);
    if (offline) {
      timer = setTimeout(() => void flush(), delay);
      delay = Math.min(delay * 2, 60_000);
    } else delay = 5_000;
  })().finally(() => {
    flushing = undefined;
    notify();
  });
  return flushing;
}

/** Saves a submission, then sends it (and anything older still waiting). */
export function enqueue(entry: Pending): Promise<void> {
  box = [...box, entry];
  write(OUTBOX, box);
  notify();
  delay = 5_000;
  return flushing ? flushing.then(flush) : flush();
}

addEventListener('online', () => {
  delay = 5_000;
  void flush();
});

/** 另一人投票: the outcomes (receipts) of a session are the previous voter's and leave the phone with them; what still waits to be sent stays. */
export function forgetOutcomes(session: string): void {
  results = Object.fromEntries(Object.entries(results).filter(([, outcome]) => outcome.session !== session));
  write(RESULTS, results);
  notify();
}
