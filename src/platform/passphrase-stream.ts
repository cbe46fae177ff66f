import { ByteQueue } from './byte-queue';
/**
 * Passphrase encryption of a byte stream, in chunks, so a file of any size is sealed and opened without
 * holding it whole (tenant exports on a Worker, backups in Node). WebCrypto only:
 *
 *   header  = "XPENC" 0x00 0x01 0x00 (8 bytes: magic, format 1) ‖ salt (16) ‖ iterations (u32 BE) ‖ nonce prefix (8)
 *   key     = PBKDF2-HMAC-SHA256(passphrase, salt, iterations) → AES-256-GCM
 *   records = u32 BE length ‖ AES-GCM(key, iv = nonce prefix ‖ u32 BE counter, aad = header ‖ last?1:0, chunk)
 *
 * Chunks are 64 KiB of plain text (the last may be shorter, or empty). The counter in the IV stops records
 * being reordered or repeated, the last-record flag in the additional data stops a cut-off file passing as
 * whole. 100,000 iterations: Workers refuse more for PBKDF2; the salt is random per file.
 */
export const MAGIC = new Uint8Array([0x58, 0x50, 0x45, 0x4e, 0x43, 0x00, 0x01, 0x00]);
const HEADER_BYTES = MAGIC.length + 16 + 4 + 8;
const CHUNK = 64 * 1024;
const TAG = 16;
export const PASSPHRASE_ITERATIONS = 100_000;

/** The stream could not be opened: a wrong passphrase, or the file was changed or cut. */
export class PassphraseError extends Error {}

/** Whether the bytes begin like an encrypted file. */
export const isEncrypted = (head: Uint8Array) => head.length >= MAGIC.length && MAGIC.every((b, i) => head[i] === b);

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

const ivOf = (prefix: Uint8Array, counter: number) => {
  const iv = new Uint8Array(12);
  iv.set(prefix);
  new DataView(iv.buffer).setUint32(8, counter);
  return iv;
};
const aadOf = (header: Uint8Array, last: boolean) => {
  const aad = new Uint8Array(header.length + 1);
  aad.set(header);
  aad[header.length] = last ? 1 : 0;
  return aad;
};

/** Encrypts what passes through under `passphrase`. */
export function encryptStream(passphrase: string, iterations = PASSPHRASE_ITERATIONS): TransformStream<Uint8Array, Uint8Array> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const prefix = crypto.getRandomValues(new Uint8Array(8));
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC);
  header.set(salt, MAGIC.length);
  new DataView(header.buffer).setUint32(MAGIC.length + 16, iterations);
  header.set(prefix, MAGIC.length + 20);
  const key = deriveKey(passphrase, salt, iterations);
  const pending = new ByteQueue();
  let counter = 0;
  const record = async (plain: Uint8Array<ArrayBuffer>, last: boolean) => {
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv: ivOf(prefix, counter++), additionalData: aadOf(header, last) }, await key, plain),
    );
    const out = new Uint8Array(4 + sealed.length);
    new DataView(out.buffer).setUint32(0, sealed.length);
    out.set(sealed, 4);
    return out;
  };
  return new TransformStream({
    start: (controller) => controller.enqueue(header),
    async transform(chunk, controller) {
      pending.push(chunk);
      // keep at least one byte back: only flush knows which record is the last
      while (pending.length > CHUNK) controller.enqueue(await record(pending.take(CHUNK), false));
    },
    async flush(controller) {
      controller.enqueue(await record(pending.take(pending.length), true));
    },
  });
}

/** Decrypts a stream made by encryptStream; errors with PassphraseError on a wrong passphrase or a changed or cut file. */
export function decryptStream(passphrase: string): TransformStream<Uint8Array, Uint8Array> {
  const pending = new ByteQueue();
  let header: Uint8Array | undefined;
  let key: Promise<CryptoKey> | undefined;
  let prefix: Uint8Array | undefined;
  let counter = 0;
  // the record read but not yet opened: whether it is the last is known only once more bytes come, or none
  let held: Uint8Array<ArrayBuffer> | undefined;
  const open = async (sealed: Uint8Array<ArrayBuffer>, last: boolean) => {
    try {
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: ivOf(prefix!, counter++), additionalData: aadOf(header!, last) }, await key!, sealed));
    } catch {
      throw new PassphraseError('wrong passphrase, or the file was changed');
    }
  };
  const readRecords = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (!header) {
      if (pending.length < HEADER_BYTES) return;
      header = pending.take(HEADER_BYTES);
      if (!isEncrypted(header)) throw new PassphraseError('not an encrypted file');
      const view = new DataView(header.buffer);
      const iterations = view.getUint32(MAGIC.length + 16);
      if (iterations < 10_000 || iterations > 10_000_000) throw new PassphraseError('implausible key derivation cost');
      key = deriveKey(passphrase, header.slice(MAGIC.length, MAGIC.length + 16), iterations);
      prefix = header.slice(MAGIC.length + 20, HEADER_BYTES);
    }
    for (;;) {
      if (pending.length < 4) return;
      const lengthBytes = pending.take(4);
      const length = new DataView(lengthBytes.buffer).getUint32(0);
      if (length < TAG || length > CHUNK + TAG) throw new PassphraseError('damaged record');
      if (pending.length < length) {
        // not all here yet: put the length back in front
        const rest = pending.take(pending.length);
        pending.push(lengthBytes);
        pending.push(rest);
        return;
      }
      if (held) controller.enqueue(await open(held, false));
      held = pending.take(length);
    }
  };
  return new TransformStream({
    async transform(chunk, controller) {
      pending.push(chunk);
      await readRecords(controller);
    },
    async flush(controller) {
      if (!held || pending.length) throw new PassphraseError('the file is cut short');
      controller.enqueue(await open(held, true));
    },
  });
}
