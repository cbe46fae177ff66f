import { describe, expect, it } from 'vitest';
import { Sha256 } from './sha256';

const webCrypto = async (data: Uint8Array<ArrayBuffer>) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('incremental SHA-256', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003])('matches WebCrypto on %i bytes, however they are split', async (size) => {
    const data = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
    const expected = await webCrypto(data);
    expect(new Sha256().update(data).hex()).toBe(expected);
    const pieces = new Sha256();
    for (let i = 0; i < size; i += 37) pieces.update(data.subarray(i, i + 37));
    expect(pieces.hex()).toBe(expected);
  });

  it('gives the known digest of "abc"', () => {
    expect(new Sha256().update(new TextEncoder().encode('abc')).hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
