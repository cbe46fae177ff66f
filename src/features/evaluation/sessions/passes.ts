import type { AttemptKey } from '../../../auth/throttle';
import { randomString } from '../../../platform/ids';
import { hmacDigits, hmacText, sameText } from '../../../platform/crypto';
import { acceptedWindows, qrWindow, type QrTiming } from '../rules';

/**
 * What the big screen shows and what a phone must present. Every value is an HMAC under the server
 * secret over the tenant, the session and a time window, so nothing needs storing:
 * - the QR token `<window>.<mac>` and the 6-digit code typed with the short URL rotate every
 *   rotateSeconds and are accepted for validSeconds;
 * - the poster token `p.<mac>` (printed QR for sessions without a screen) is valid for the whole session;
 * - a ballot pass `<expires>.<nonce>.<mac>` is issued to one phone in exchange for a fresh token: the
 *   nonce is drawn by the server, so the villager's identity ("one ballot per subject per pass") is the
 *   server's, never a value the phone chooses. It lets the phone send its ballot later (offline) until
 *   the session's end.
 */
export interface SessionKey {
  tenantId: string;
  sessionId: string;
}

/**
 * The session-wide values (QR, code, poster, pass) are the same for every phone of a session, so each is
 * computed once per instance and then looked up: a pure function of secret and message, nothing to go stale.
 */
const macs = new Map<string, Promise<string>>();
function sessionMac(secret: string, message: string, compute: (secret: string, message: string) => Promise<string>): Promise<string> {
  const id = `${message}|${secret}`;
  let mac = macs.get(id);
  if (!mac) {
    if (macs.size >= 5000) macs.clear();
    mac = compute(secret, message);
    macs.set(id, mac);
  }
  return mac;
}
const text16 = (secret: string, message: string) => hmacText(secret, message, 16);

const qrMac = (secret: string, s: SessionKey, window: number) => sessionMac(secret, `qr|${s.tenantId}|${s.sessionId}|${window}`, text16);
const pinOf = (secret: string, s: SessionKey, window: number) => sessionMac(secret, `pin|${s.tenantId}|${s.sessionId}|${window}`, hmacDigits);
const posterMac = (secret: string, s: SessionKey) => sessionMac(secret, `poster|${s.tenantId}|${s.sessionId}`, text16);
// one per phone: not cached
const passMac = (secret: string, s: SessionKey, expires: number, nonce: string) => hmacText(secret, `pass|${s.tenantId}|${s.sessionId}|${expires}|${nonce}`, 16);

/** The QR token and typed code of the current window, and when they change. */
export async function currentQr(secret: string, session: SessionKey, timing: QrTiming, nowMs = Date.now()) {
  const window = qrWindow(nowMs, timing.rotateSeconds);
  return {
    token: `${window}.${await qrMac(secret, session, window)}`,
    pin: await pinOf(secret, session, window),
    rotatesAt: new Date((window + 1) * timing.rotateSeconds * 1000).toISOString(),
  };
}

export async function posterToken(secret: string, session: SessionKey): Promise<string> {
  return `p.${await posterMac(secret, session)}`;
}

/** A 6-digit code typed from the screen (the alternative to scanning its QR). */
export const isTypedCode = (presented: string) => /^\d{6}$/.test(presented);

/**
 * Failed typed codes are counted per address and per session: the code rotates, but a guesser trying
 * thousands of codes a minute would otherwise find one (a few in a million per try) and with it a ballot
 * pass. A village hall's phones may share one address, and a mistyped code is rare, so the free tries are
 * generous; a locked session code leaves scanning the QR as it was.
 */
export const typedCodeKeys = (session: SessionKey, ip: string): AttemptKey[] => [
  { key: `typed-code-ip:${ip}`, free: 20 },
  { key: `typed-code:${session.tenantId}:${session.sessionId}`, free: 300 },
];

/** Checks a scanned token, a poster token or a typed 6-digit code. */
export async function verifyEntry(secret: string, session: SessionKey, presented: string, timing: QrTiming, nowMs = Date.now()): Promise<boolean> {
  const windows = acceptedWindows(nowMs, timing);
  if (isTypedCode(presented)) {
    for (const window of windows) if (sameText(presented, await pinOf(secret, session, window))) return true;
    return false;
  }
  const [head, mac] = presented.split('.');
  if (!head || !mac) return false;
  if (head === 'p') return sameText(mac, await posterMac(secret, session));
  const window = Number(head);
  if (!Number.isInteger(window) || !windows.includes(window)) return false;
  return sameText(mac, await qrMac(secret, session, window));
}

/** A new phone's pass: a fresh random nonce, signed with the session and its expiry. */
export async function issuePass(secret: string, session: SessionKey, expiresAt: Date): Promise<{ pass: string; nonce: string }> {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const nonce = randomString(26);
  return { pass: `${expires}.${nonce}.${await passMac(secret, session, expires, nonce)}`, nonce };
}

/** The pass's nonce (the phone's identity in this session) when it is this session's and not expired; null otherwise. */
export async function verifyPass(secret: string, session: SessionKey, pass: string, nowMs = Date.now()): Promise<string | null> {
  const [head, nonce, mac, extra] = pass.split('.');
  const expires = Number(head);
  if (extra !== undefined || !nonce || !mac || !Number.isInteger(expires) || expires * 1000 < nowMs) return null;
  return sameText(mac, await passMac(secret, session, expires, nonce)) ? nonce : null;
}

/** The keyed hash that de-duplicates a voter within one session (HMAC with the session's salt). */
export function voterHash(secret: string, salt: string, identity: string): Promise<string> {
  return hmacText(secret, `voter|${salt}|${identity}`, 20);
}

/**
 * The keyed hash that de-duplicates a voter across the sessions of a campaign: only for who is the same person in
 * every session (a member, a household, a township leader; see campaignIdentity), and salt-free, so that it still
 * matches after the session's salt is gone.
 */
export function campaignVoterHash(secret: string, tenantId: string, campaignId: string, identity: string): Promise<string> {
  return hmacText(secret, `campaign-voter|${tenantId}|${campaignId}|${identity}`, 20);
}

/** A voter identity that is one person in every session of a campaign; a hall's pass and a ticket are one session's. */
export const campaignIdentity = (identity: string): string | undefined => (/^(member|household|account):/.test(identity) ? identity : undefined);

/** A salt-free keyed hash of a submission id: a retry finds its receipts even after the session's salt is gone. */
export function submissionHash(secret: string, session: SessionKey, clientId: string): Promise<string> {
  return hmacText(secret, `submission|${session.tenantId}|${session.sessionId}|${clientId}`, 20);
}

/** A salt-free keyed hash for a paper sheet's poll-book row (a sheet is nobody; it must still count once). */
export function paperVoterHash(secret: string, session: SessionKey, clientId: string): Promise<string> {
  return hmacText(secret, `paper|${session.tenantId}|${session.sessionId}|${clientId}`, 20);
}

/** What is kept of a printed ballot ticket (一人一票码): its HMAC, never the code. */
export function ticketHash(secret: string, session: SessionKey, code: string): Promise<string> {
  return hmacText(secret, `ticket|${session.tenantId}|${session.sessionId}|${code}`, 20);
}
