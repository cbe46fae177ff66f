/**
 * TOTP (RFC 6238 over RFC 4226 HOTP) with HMAC-SHA1 through WebCrypto: 30-second steps, 6 digits, what
 * every authenticator app (微信/支付宝 小程序, Google/Microsoft Authenticator, FreeOTP) speaks.
 */
export const TOTP = { stepSeconds: 30, digits: 6, /** steps accepted either side of now (clock drift) */ window: 1, secretBytes: 20 } as const;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (the form otpauth:// URIs carry). */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** The time step of an instant. */
export const totpStep = (at: Date | number) => Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000 / TOTP.stepSeconds);

/** HOTP(secret, counter) (RFC 4226 §5.3): HMAC-SHA1 of the 8-byte counter, dynamically truncated. */
export async function hotp(secret: Uint8Array<ArrayBuffer>, counter: number, digits: number = TOTP.digits): Promise<string> {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code an authenticator shows at `at`. */
export const totpCode = (secret: Uint8Array<ArrayBuffer>, at: Date | number, digits: number = TOTP.digits) => hotp(secret, totpStep(at), digits);

/**
 * The step at which `code` is valid within ±TOTP.window steps of `now` and later than `lastStep` (a code,
 * or an earlier one, already accepted is not accepted again), or null.
 */
export async function matchTotp(secret: Uint8Array<ArrayBuffer>, code: string, now: Date, lastStep: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(now);
  let found: number | null = null;
  // every candidate is computed, so the time taken does not tell which step matched
  for (let step = current - TOTP.window; step <= current + TOTP.window; step++) {
    const expected = await hotp(secret, step);
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ code.charCodeAt(i);
    if (diff === 0 && step > lastStep && found === null) found = step;
  }
  return found;
}

/** A new random secret. */
export const newTotpSecret = () => crypto.getRandomValues(new Uint8Array(TOTP.secretBytes));

/** The otpauth:// URI an authenticator app reads from the QR code (Key Uri Format). */
export function otpauthUri(secret: Uint8Array, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret: base32Encode(secret), issuer, algorithm: 'SHA1', digits: String(TOTP.digits), period: String(TOTP.stepSeconds) });
  return `otpauth://totp/${label}?${query}`;
}
