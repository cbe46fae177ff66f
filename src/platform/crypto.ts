/**
 * The server's cryptography, on WebCrypto (the same on Workers and Node): HMAC signatures under a secret
 * (the keys come from platform/config.ts, `c.var.config.secrets`), hashing (node:crypto, see sha256Hex), and
 * random tokens.
 */
import { createHash } from 'node:crypto';

const keys = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

export const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export const fromBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));

/** 32 random bytes, base64url: e.g. the secret half of a sign-in session, given to the browser only. */
export const newToken = (): string => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

/** HMAC-SHA256 of a message under the server secret (WebCrypto: the same on Workers and Node). */
export async function hmac(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
}

/** HMAC as base64url, truncated to `bytes` (16 bytes = 128 bits is plenty for a signature). */
export async function hmacText(secret: string, message: string, bytes = 32): Promise<string> {
  return toBase64Url((await hmac(secret, message)).slice(0, bytes));
}

/** A 6-digit number from an HMAC (as TOTP does): the code typed from the screen instead of scanning. */
export async function hmacDigits(secret: string, message: string, digits = 6): Promise<string> {
  const mac = await hmac(secret, message);
  const offset = mac[mac.length - 1] & 0x0f;
  const value = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(value % 10 ** digits).padStart(digits, '0');
}

/** Constant-time comparison of two strings of text. */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * SHA-256 in hex, by node:crypto's createHash (Node, and workerd under nodejs_compat): every request hashes its
 * session token, and WebCrypto's digest cost ~45 µs of CPU in Node against ~2 µs (a promise and a thread-pool job
 * for 32 bytes).
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return createHash('sha256').update(data).digest('hex');
}
