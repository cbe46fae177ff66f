import { describe, expect, it } from 'vitest';
import { sniffImage, stripImageMetadata } from './image';

const bytes = (...parts: (number[] | string | Uint8Array)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((ch) => ch.charCodeAt(0)) : [...p])));
const be16 = (n: number) => [n >> 8, n & 0xff];
const be32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const contains = (haystack: Uint8Array, needle: string) => new TextDecoder('latin1').decode(haystack).includes(needle);

/** A JPEG segment: marker, length (including itself), data. */
const segment = (marker: number, data: string | number[]) => bytes([0xff, marker], be16((typeof data === 'string' ? data.length : data.length) + 2), data);
const jpeg = (...segments: Uint8Array[]) => bytes([0xff, 0xd8], ...segments, segment(0xda, [1, 2, 3]), [0x11, 0x22, 0xff, 0xd9]);
const pngChunk = (type: string, data: string) => bytes(be32(data.length), type, data, [0, 0, 0, 0]);
const png = (...chunks: Uint8Array[]) => bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], pngChunk('IHDR', '1234567890123'), ...chunks, pngChunk('IDAT', 'pixels'), pngChunk('IEND', ''));
const webpChunk = (type: string, data: number[] | string) => {
  const d = typeof data === 'string' ? bytes(data) : Uint8Array.from(data);
  return bytes(type, le32(d.length), d, d.length % 2 ? [0] : []);
};
const webp = (...chunks: Uint8Array[]) => {
  const body = bytes(...chunks);
  return bytes('RIFF', le32(body.length + 4), 'WEBP', body);
};

describe('images are known by their bytes', () => {
  it.each([
    ['a JPEG', jpeg(), 'image/jpeg'],
    ['a PNG', png(), 'image/png'],
    ['a WebP', webp(webpChunk('VP8 ', 'frame')), 'image/webp'],
    ['a GIF', bytes('GIF89a', [0, 0, 0, 0]), null],
    ['a HEIC (ftyp heic)', bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]), null],
    ['a PDF named photo.jpg', bytes('%PDF-1.7\n'), null],
    ['an empty file', bytes(), null],
  ] as const)('%s → %s', (_name, file, type) => {
    expect(sniffImage(file)).toBe(type);
  });
});

describe('metadata is stripped, the image kept', () => {
  it.each([
    ['JPEG: EXIF (GPS) and XMP in APP1, IPTC in APP13, a comment', 'image/jpeg' as const,
      jpeg(segment(0xe0, 'JFIF\0keep'), segment(0xe1, 'Exif\0\0GPS-36.8N'), segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>'), segment(0xed, 'Photoshop 3.0 place'), segment(0xfe, 'comment here'), segment(0xdb, 'quant')),
      ['GPS-36.8N', 'xmpmeta', 'Photoshop', 'comment here'], ['JFIF', 'quant']],
    ['PNG: eXIf, tEXt, zTXt, iTXt (XMP), tIME', 'image/png' as const,
      png(pngChunk('eXIf', 'GPS-36.8N'), pngChunk('tEXt', 'Location\0home'), pngChunk('zTXt', 'Comment\0zzz'), pngChunk('iTXt', 'XML:com.adobe.xmp\0<x:xmpmeta>'), pngChunk('tIME', '1234567'), pngChunk('gAMA', 'keep')),
      ['GPS-36.8N', 'Location', 'xmpmeta', 'zzz'], ['IHDR', 'IDAT', 'gAMA', 'IEND']],
    ['WebP: EXIF and XMP chunks', 'image/webp' as const,
      webp(webpChunk('VP8X', [0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0]), webpChunk('VP8 ', 'frame'), webpChunk('EXIF', 'GPS-36.8N'), webpChunk('XMP ', '<x:xmpmeta>')),
      ['GPS-36.8N', 'xmpmeta'], ['VP8X', 'frame']],
  ])('%s', (_name, type, file, gone, kept) => {
    const out = stripImageMetadata(file, type)!;
    expect(out).not.toBeNull();
    expect(sniffImage(out)).toBe(type);
    for (const text of gone) expect(contains(out, text), text).toBe(false);
    for (const text of kept) expect(contains(out, text), text).toBe(true);
  });

  it('a WebP keeps a RIFF size that matches, and its VP8X flags no longer announce EXIF or XMP', () => {
    const out = stripImageMetadata(webp(webpChunk('VP8X', [0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0]), webpChunk('VP8 ', 'frame'), webpChunk('EXIF', 'GPS')), 'image/webp')!;
    expect(out[4] | (out[5] << 8) | (out[6] << 16) | (out[7] << 24)).toBe(out.length - 8);
    expect(out[20] & 0x0c).toBe(0);
  });

  it.each([
    ['a JPEG cut inside a segment', 'image/jpeg' as const, bytes([0xff, 0xd8], [0xff, 0xe1, 0x40, 0x00], 'Exif')],
    ['a JPEG without image data', 'image/jpeg' as const, bytes([0xff, 0xd8], segment(0xe0, 'JFIF'))],
    ['a PNG without IEND', 'image/png' as const, bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], pngChunk('IHDR', '1234567890123'))],
    ['a WebP whose RIFF size runs past the file', 'image/webp' as const, bytes('RIFF', le32(1000), 'WEBP', webpChunk('VP8 ', 'x'))],
  ])('%s is refused', (_name, type, file) => {
    expect(stripImageMetadata(file, type)).toBeNull();
  });
});
