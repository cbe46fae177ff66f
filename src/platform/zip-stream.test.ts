import { unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip, unzip, ZipError, ZipWriter } from './zip-stream';

const text = (s: string) => new TextEncoder().encode(s);
const streamOf = (bytes: Uint8Array, piece = 333) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += piece) controller.enqueue(bytes.slice(i, i + piece));
      controller.close();
    },
  });

function written(files: [string, Uint8Array][]): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new ZipWriter((chunk) => out.push(chunk), new Date(Date.UTC(2026, 11, 2, 5, 0, 0)));
  for (const [name, data] of files) zip.add(name, data);
  zip.end();
  const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  out.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  return all;
}

/** fflate's streaming Zip: the sizes follow each entry's data in a descriptor, as some spreadsheet programs write them. */
function withDescriptors(files: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((_, chunk) => parts.push(chunk));
  for (const [name, data] of files) {
    const entry = new ZipDeflate(name);
    zip.add(entry);
    entry.push(data, true);
  }
  zip.end();
  const streamed = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
  parts.reduce((at, c) => (streamed.set(c, at), at + c.length), 0);
  return streamed;
}

async function read(bytes: Uint8Array) {
  const out: [string, string][] = [];
  for await (const entry of readZip(streamOf(bytes))) out.push([entry.name, new TextDecoder().decode(entry.data)]);
  return out;
}

describe('streamed ZIP', () => {
  const files: [string, Uint8Array][] = [
    ['format.json', text('{"a":1}')],
    ['村.0000.jsonl', text('{"name":"靖庄"}\n'.repeat(5000))],
    ['empty.0000.jsonl', new Uint8Array(0)],
  ];

  it('is a standard ZIP (another reader opens it) and reads back entry by entry', async () => {
    const bytes = written(files);
    const other = unzipSync(bytes);
    expect(Object.keys(other)).toEqual(files.map(([name]) => name));
    expect(other['村.0000.jsonl']).toEqual(files[1][1]);
    expect(await read(bytes)).toEqual(files.map(([name, data]) => [name, new TextDecoder().decode(data)]));
  });

  it('stores an entry as it is when asked (a photo, compressed already), and both readers read it back', async () => {
    const photo = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
    const out: Uint8Array[] = [];
    const zip = new ZipWriter((chunk) => out.push(chunk));
    zip.add('format.json', text('{"a":1}'));
    zip.add('photos/01m8x9d4xbzgdeyn1r77', photo, true);
    zip.end();
    const bytes = new Uint8Array(await new Blob(out as Uint8Array<ArrayBuffer>[]).arrayBuffer());
    // method 0 in the local header, and the bytes themselves in the file
    const at = bytes.findIndex((_, i) => new TextDecoder().decode(bytes.subarray(i, i + 6)) === 'photos') - 30;
    expect(new DataView(bytes.buffer).getUint16(at + 8, true)).toBe(0);
    expect(unzipSync(bytes)['photos/01m8x9d4xbzgdeyn1r77']).toEqual(photo);
    const entries: { name: string; data: Uint8Array }[] = [];
    for await (const entry of readZip(streamOf(bytes))) entries.push(entry);
    expect(entries.map((entry) => entry.name)).toEqual(['format.json', 'photos/01m8x9d4xbzgdeyn1r77']);
    expect(entries[1].data).toEqual(photo);
  });

  it('refuses a changed byte, a cut file, and entries with trailing data descriptors', async () => {
    const bytes = written(files);
    const changed = bytes.slice();
    changed[Math.floor(bytes.length / 2)] ^= 0xff; // inside the big entry's compressed data
    await expect(read(changed)).rejects.toBeInstanceOf(ZipError);
    await expect(read(bytes.slice(0, 200))).rejects.toBeInstanceOf(ZipError);
    // data descriptors: not read, rather than guessed
    await expect(read(withDescriptors([['x.jsonl', text('{}\n')]]))).rejects.toBeInstanceOf(ZipError);
  });
});

describe('unzip (a whole archive, through its central directory)', () => {
  const files: [string, Uint8Array][] = [
    ['xl/workbook.xml', text('<workbook/>')],
    ['xl/worksheets/sheet1.xml', text('<row/>'.repeat(20_000))],
    ['docProps/app.xml', text('<Properties/>')],
  ];
  const wanted = (name: string) => name.startsWith('xl/');

  it.each([
    ['our own writer', () => written(files)],
    ['another writer, stored and deflated', () => zipSync({ 'xl/workbook.xml': [files[0][1], { level: 0 }], 'xl/worksheets/sheet1.xml': files[1][1], 'docProps/app.xml': files[2][1] })],
    ['a writer putting sizes after the data', () => withDescriptors(files)],
  ])('reads the entries it is asked for from %s', (_, make) => {
    const out = unzip(make(), { want: wanted, maxTotal: 1 << 20 });
    expect(Object.keys(out).sort()).toEqual(['xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
    expect(out['xl/worksheets/sheet1.xml']).toEqual(files[1][1]);
  });

  it('refuses an archive declaring more than its limit, one inflating beyond what it declares, and what is no ZIP', () => {
    expect(() => unzip(written(files), { want: wanted, maxTotal: 100_000 })).toThrow(ZipError);
    // the big entry declares 4 bytes (local and central size fields); its data inflates to 120,000
    const lying = written(files);
    const view = new DataView(lying.buffer);
    for (let at = 0; at < lying.length - 4; at++) {
      const signature = view.getUint32(at, true);
      const nameAt = signature === 0x04034b50 ? at + 30 : signature === 0x02014b50 ? at + 46 : -1;
      if (nameAt < 0 || new TextDecoder().decode(lying.subarray(nameAt, nameAt + 24)) !== 'xl/worksheets/sheet1.xml') continue;
      view.setUint32(signature === 0x04034b50 ? at + 22 : at + 24, 4, true);
    }
    expect(() => unzip(lying, { want: wanted, maxTotal: 1 << 20 })).toThrow(ZipError);
    expect(() => unzip(text('PK\u0003\u0004 garbage'), { want: wanted, maxTotal: 1 << 20 })).toThrow(ZipError);
  });
});
