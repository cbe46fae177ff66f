import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, totpCode, totpStep } from './totp';

const rfcSecret = new TextEncoder().encode('12345678901234567890') as Uint8Array<ArrayBuffer>;

describe('TOTP (RFC 6238, HMAC-SHA1)', () => {
  it.each([
    { time: 59, code: '94287082' },
    { time: 1111111109, code: '07081804' },
    { time: 1111111111, code: '14050471' },
    { time: 1234567890, code: '89005924' },
    { time: 2000000000, code: '69279037' },
    { time: 20000000000, code: '65353130' },
  ])('the RFC 6238 test vector at T=$time is $code', async ({ time, code }) => {
    expect(await totpCode(rfcSecret, time * 1000, 8)).toBe(code);
  });

  it.each([
    { counter: 0, code: '755224' },
    { counter: 1, code: '287082' },
    { counter: 9, code: '520489' },
  ])('the RFC 4226 HOTP vector for counter $counter is $code', async ({ counter, code }) => {
    expect(await hotp(rfcSecret, counter)).toBe(code);
  });

  const now = new Date(1111111111 * 1000);
  const step = totpStep(now);
  it.each([
    { what: 'the current code', offset: 0, lastStep: 0, accepted: true },
    { what: 'the previous step (clock drift)', offset: -1, lastStep: 0, accepted: true },
    { what: 'the next step', offset: 1, lastStep: 0, accepted: true },
    { what: 'two steps old', offset: -2, lastStep: 0, accepted: false },
    { what: 'two steps ahead', offset: 2, lastStep: 0, accepted: false },
    { what: 'a code already used', offset: 0, lastStep: step, accepted: false },
    { what: 'a code older than the last used one', offset: -1, lastStep: step, accepted: false },
  ])('$what → accepted: $accepted', async ({ offset, lastStep, accepted }) => {
    const code = await hotp(rfcSecret, step + offset);
    expect(await matchTotp(rfcSecret, code, now, lastStep)).toBe(accepted ? step + offset : null);
  });

  it.each(['', '12345', '1234567', 'abcdef', '12 345'])('refuses %j without looking', async (code) => {
    expect(await matchTotp(rfcSecret, code, now, 0)).toBeNull();
  });

  it('base32 round-trips and matches RFC 4648', () => {
    expect(base32Encode(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI');
    expect(new TextDecoder().decode(base32Decode('mzxw6ytboi'))).toBe('foobar');
    const bytes = crypto.getRandomValues(new Uint8Array(20));
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(otpauthUri(rfcSecret, '星评', '13800000000')).toBe(
      `otpauth://totp/${encodeURIComponent('星评')}:13800000000?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=${encodeURIComponent('星评')}&algorithm=SHA1&digits=6&period=30`,
    );
  });
});
