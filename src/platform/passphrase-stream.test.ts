import { describe, expect, it } from 'vitest';
import { decryptStream, encryptStream, isEncrypted, PassphraseError } from './passphrase-stream';

const ITERATIONS = 10_000; // the floor decryptStream accepts; the real cost is PASSPHRASE_ITERATIONS

async function through(data: Uint8Array, transform: TransformStream<Uint8Array, Uint8Array>, piece = 1000): Promise<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < data.length; i += piece) controller.enqueue(data.slice(i, i + piece));
      controller.close();
    },
  });
  return new Uint8Array(await new Response(source.pipeThrough(transform)).arrayBuffer());
}

const bytes = (n: number) => new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);

describe('passphrase stream', () => {
  it.each([0, 1, 65_536, 65_537, 300_000])('opens what it sealed (%i bytes)', async (size) => {
    const plain = bytes(size);
    const sealed = await through(plain, encryptStream('correct horse', ITERATIONS), 4096);
    expect(isEncrypted(sealed)).toBe(true);
    expect(await through(sealed, decryptStream('correct horse'), 777)).toEqual(plain);
  });

  it('refuses a wrong passphrase, a changed byte and a file cut at a record boundary', async () => {
    const plain = bytes(200_000);
    const sealed = await through(plain, encryptStream('correct horse', ITERATIONS), 8192);
    await expect(through(sealed, decryptStream('wrong horse'))).rejects.toBeInstanceOf(PassphraseError);
    const changed = sealed.slice();
    changed[changed.length - 100] ^= 1;
    await expect(through(changed, decryptStream('correct horse'))).rejects.toBeInstanceOf(PassphraseError);
    // the header, then whole records of 4 + 65,536 + 16 bytes: keep the first two only
    const cut = sealed.slice(0, 36 + 2 * (4 + 65_536 + 16));
    await expect(through(cut, decryptStream('correct horse'))).rejects.toBeInstanceOf(PassphraseError);
  });
});
