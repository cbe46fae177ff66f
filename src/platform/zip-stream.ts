// node:zlib is native on Workers (nodejs_compat) as in Node: no deflate code in the bundle
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ByteQueue } from './byte-queue';

/**
 * A plain ZIP written and read as a stream, entry by entry, each entry whole in memory (callers keep them
 * small: a tenant export cuts each table into parts of about a megabyte). Every local header carries its
 * entry's sizes and CRC, never a trailing data descriptor: a streaming reader then needs no guessing where an
 * entry ends (some writers put the sizes in a descriptor after the data, found only by scanning for a
 * signature, which compressed bytes can contain by chance). No ZIP64: at most 65,535 entries and 4 GiB.
 * `unzip` reads a whole archive in memory through its central directory instead, as other tools write them.
 */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const UTF8_NAMES = 0x0800;
/** an entry the reader takes: far above what the writer's callers make, far below a decompression bomb's size */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export class ZipError extends Error {}

/** A Buffer as the plain Uint8Array the rest of the code (and its tests) compares with. */
const bytesOf = (buffer: Uint8Array) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Inflates raw deflate data that must come to `size` bytes; far more is refused before it is produced (a bomb).
 * The limit has headroom because workerd holds it against the buffer it grows, not the bytes produced: a
 * limit of exactly `size` fails for some sizes (41 KB–120 KB among them); the length is checked after.
 */
function inflate(packed: Uint8Array, size: number): Uint8Array {
  try {
    return bytesOf(inflateRawSync(packed, { maxOutputLength: 2 * size + 64 * 1024 }));
  } catch (error) {
    throw new ZipError('an entry does not decompress to its size', { cause: error });
  }
}

/** Writes entries as they come; `emit` gets the bytes in order. */
export class ZipWriter {
  private offset = 0;
  private central: Uint8Array[] = [];
  private time: number;
  private date: number;

  constructor(
    private emit: (chunk: Uint8Array) => void,
    now = new Date(),
  ) {
    // DOS time, UTC
    this.time = (now.getUTCHours() << 11) | (now.getUTCMinutes() << 5) | (now.getUTCSeconds() >> 1);
    this.date = ((now.getUTCFullYear() - 1980) << 9) | ((now.getUTCMonth() + 1) << 5) | now.getUTCDate();
  }

  /** An entry, deflated, or stored as it is (`stored`: bytes already compressed, a photo). */
  add(name: string, data: Uint8Array, stored = false): void {
    if (this.central.length >= 0xffff) throw new ZipError('too many entries for a ZIP without ZIP64');
    const nameBytes = new TextEncoder().encode(name);
    const packed = stored ? data : bytesOf(deflateRawSync(data, { level: 6 }));
    const method = stored ? 0 : 8;
    const crc = crc32(data);
    if (this.offset + 30 + nameBytes.length + packed.length > 0xffffffff) throw new ZipError('the file would exceed 4 GiB');
    const local = new Uint8Array(30 + nameBytes.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, LOCAL, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, UTF8_NAMES, true);
    l.setUint16(8, method, true);
    l.setUint16(10, this.time, true);
    l.setUint16(12, this.date, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, packed.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const entry = new Uint8Array(46 + nameBytes.length);
    const e = new DataView(entry.buffer);
    e.setUint32(0, CENTRAL, true);
    e.setUint16(4, 20, true);
    e.setUint16(6, 20, true);
    e.setUint16(8, UTF8_NAMES, true);
    e.setUint16(10, method, true);
    e.setUint16(12, this.time, true);
    e.setUint16(14, this.date, true);
    e.setUint32(16, crc, true);
    e.setUint32(20, packed.length, true);
    e.setUint32(24, data.length, true);
    e.setUint16(28, nameBytes.length, true);
    e.setUint32(42, this.offset, true);
    entry.set(nameBytes, 46);
    this.central.push(entry);
    this.emit(local);
    this.emit(packed);
    this.offset += local.length + packed.length;
  }

  end(): void {
    const size = this.central.reduce((sum, entry) => sum + entry.length, 0);
    for (const entry of this.central) this.emit(entry);
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, END, true);
    v.setUint16(8, this.central.length, true);
    v.setUint16(10, this.central.length, true);
    v.setUint32(12, size, true);
    v.setUint32(16, this.offset, true);
    this.emit(end);
  }
}

/** Reads exactly n bytes at a time from a stream. */
class ByteReader {
  private queue = new ByteQueue();
  constructor(private reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async read(n: number): Promise<Uint8Array | undefined> {
    while (this.queue.length < n) {
      const { value, done } = await this.reader.read();
      if (done) return undefined;
      this.queue.push(value);
    }
    return this.queue.take(n);
  }
}

/**
 * The entries of a ZIP, in file order, as they arrive; stops at the central directory. Refuses what
 * ZipWriter does not write (data descriptors, encryption, methods other than deflate and store) and any
 * entry whose CRC or size does not match, or larger than `maxEntryBytes` (it is inflated whole in memory).
 */
export async function* readZip(source: ReadableStream<Uint8Array>, maxEntryBytes = MAX_ENTRY_BYTES): AsyncGenerator<{ name: string; data: Uint8Array }> {
  const reader = source.getReader();
  const bytes = new ByteReader(reader);
  try {
    for (;;) {
      const head = await bytes.read(4);
      if (!head) throw new ZipError('the file ends before its central directory');
      const signature = new DataView(head.buffer).getUint32(0, true);
      if (signature === CENTRAL || signature === END) return;
      if (signature !== LOCAL) throw new ZipError('not a ZIP entry');
      const rest = await bytes.read(26);
      if (!rest) throw new ZipError('the file is cut short');
      const h = new DataView(rest.buffer);
      const flags = h.getUint16(2, true);
      const method = h.getUint16(4, true);
      const crc = h.getUint32(10, true);
      const packedSize = h.getUint32(14, true);
      const size = h.getUint32(18, true);
      if (flags & 0x0009) throw new ZipError('encrypted or streamed entries are not read');
      if (method !== 8 && method !== 0) throw new ZipError(`compression method ${method} is not read`);
      if (packedSize > maxEntryBytes || size > maxEntryBytes) throw new ZipError('an entry is too large');
      const name = await bytes.read(h.getUint16(22, true));
      const extra = await bytes.read(h.getUint16(24, true));
      const packed = await bytes.read(packedSize);
      if (!name || !extra || !packed) throw new ZipError('the file is cut short');
      const data = method === 8 ? inflate(packed, size) : packed;
      if (data.length !== size || crc32(data) !== crc) throw new ZipError('an entry does not match its CRC');
      yield { name: new TextDecoder().decode(name), data };
    }
  } finally {
    reader.releaseLock();
  }
}

/** A whole ZIP in memory, read through its central directory: what spreadsheet programs write (sizes may follow the data). */
export function unzip(bytes: Uint8Array, options: { want(name: string): boolean; maxTotal: number }): Record<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  // the end record is last, after a comment of up to 65,535 bytes
  while (end >= 0 && end >= bytes.length - 22 - 0xffff && view.getUint32(end, true) !== END) end--;
  if (end < 0 || end < bytes.length - 22 - 0xffff) throw new ZipError('no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files: Record<string, Uint8Array> = {};
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) throw new ZipError('a central directory entry is damaged');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const packedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    total += size;
    if (total > options.maxTotal) throw new ZipError('the archive inflates beyond its limit');
    if (!options.want(name)) continue;
    if (flags & 0x0001) throw new ZipError('encrypted entries are not read');
    if (method !== 8 && method !== 0) throw new ZipError(`compression method ${method} is not read`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) throw new ZipError('a local header is damaged');
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const packed = bytes.subarray(start, start + packedSize);
    if (packed.length !== packedSize) throw new ZipError('the file is cut short');
    const data = method === 8 ? inflate(packed, size) : packed;
    if (data.length !== size) throw new ZipError('an entry does not match its size');
    files[name] = data;
  }
  return files;
}
