/**
 * The ballot being filled in, kept on the phone as it goes: a reload, a flat battery or a dropped network
 * loses no answer. One draft per session and pass (a new pass, i.e. the next voter, starts afresh); the
 * answers of a subject leave it once its submission is in the outbox, and 另一人投票 drops it whole.
 */
import type { VoterKind } from '../../src/domain/vocabulary';

export type Answers = Record<string, Record<string, number>>;
export type Texts = Record<string, { comment: string; problem: string }>;

export interface Draft {
  pass: string;
  answers: Answers;
  texts: Texts;
  /** subject key → client id of the submission that carries its ballot or 不了解 */
  sent: Record<string, string>;
  /** subject keys this voter said 不了解 of */
  unknown: string[];
  /** who is voting and the codes they typed (never a PIN), so the next member's submission carries them after a reload */
  voter?: { who: VoterKind; household: string; ticket: string; memberCode: string };
}

const keyOf = (session: string) => `xp_draft|${session}`;

export function loadDraft(session: string, pass: string): Draft {
  try {
    const stored = JSON.parse(localStorage.getItem(keyOf(session)) ?? 'null') as Draft | null;
    if (stored && stored.pass === pass) return stored;
  } catch {
    /* unreadable: start afresh */
  }
  return { pass, answers: {}, texts: {}, sent: {}, unknown: [] };
}

export function saveDraft(session: string, draft: Draft): void {
  try {
    localStorage.setItem(keyOf(session), JSON.stringify(draft));
  } catch {
    /* storage refused: the answers live while the page is open */
  }
}

export function clearDraft(session: string): void {
  try {
    localStorage.removeItem(keyOf(session));
  } catch {
    /* nothing stored */
  }
}
