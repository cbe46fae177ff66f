import { unzipSync, Zip, ZipDeflate } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip, ZipError, ZipWriter } from './zip-stream';

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

  it('refuses a changed byte, a cut file, and entries with trailing data descriptors', async () => {
    const bytes = written(files);
    const changed = bytes.slice();
    changed[Math.floor(bytes.length / 2)] ^= 0xff; // inside the big entry's compressed data
    await expect(read(changed)).rejects.toBeInstanceOf(ZipError);
    await expect(read(bytes.slice(0, 200))).rejects.toBeInstanceOf(ZipError);
    // fflate's streaming Zip writes data descriptors: not read, rather than guessed
    const parts: Uint8Array[] = [];
    const zip = new Zip((_, chunk) => parts.push(chunk));
    const entry = new ZipDeflate('x.jsonl');
    zip.add(entry);
    entry.push(text('{}\n'), true);
    zip.end();
    const streamed = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
    parts.reduce((at, c) => (streamed.set(c, at), at + c.length), 0);
    await expect(read(streamed)).rejects.toBeInstanceOf(ZipError);
  });
});
