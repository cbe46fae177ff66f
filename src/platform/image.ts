/**
 * Uploaded photos, judged by their bytes and never by the name or type the client sent: which of the three
 * accepted formats a file is, and the same image without its metadata (EXIF carries the phone's GPS position,
 * XMP and text chunks the device and often the place). Pure functions over bytes; a file that does not parse
 * as its format is refused (null), not passed on half-read.
 */
import type { ImageType } from '../domain/vocabulary';

export type { ImageType };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** The format by magic bytes: JPEG (FF D8 FF), PNG (its 8-byte signature), WebP (RIFF….WEBP); anything else null. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** JPEG: drops APP1 (EXIF, XMP), APP13 (Photoshop/IPTC) and comments before the image data; keeps JFIF, ICC and the rest. */
function stripJpeg(bytes: Uint8Array): Uint8Array | null {
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    // fill bytes before a marker
    if (marker === 0xff) {
      at++;
      continue;
    }
    // start of scan: the entropy-coded image follows to the end, with no metadata segments of interest after it
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) return null;
    if (marker === 0xda) {
      parts.push(bytes.subarray(at));
      return concat(parts);
    }
    if (marker !== 0xe1 && marker !== 0xed && marker !== 0xfe) parts.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return null;
}

const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

/** PNG: drops eXIf and the text chunks (tEXt, zTXt, iTXt: XMP lives in iTXt) and tIME; keeps every image chunk. */
function stripPng(bytes: Uint8Array): Uint8Array | null {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (end > bytes.length) return null;
    if (!PNG_DROPPED.has(type)) parts.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') return concat(parts);
  }
  return null;
}

/** WebP: drops the EXIF and XMP chunks and clears their flags in VP8X; the RIFF size is written anew. */
function stripWebp(bytes: Uint8Array): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let at = 12;
  const riffEnd = 8 + (((bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0));
  if (riffEnd > bytes.length) return null;
  while (at + 8 <= riffEnd) {
    const type = ascii(bytes, at, 4);
    const size = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0;
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > riffEnd) return null;
    if (type === 'VP8X') {
      const chunk = bytes.slice(at, Math.min(end, riffEnd));
      chunk[8] &= ~(0x08 | 0x04); // the EXIF and XMP flags
      parts.push(chunk);
    } else if (type !== 'EXIF' && type !== 'XMP ') parts.push(bytes.subarray(at, Math.min(end, riffEnd)));
    at = end;
  }
  const body = concat(parts);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  const size = body.length + 4;
  header.set([size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, (size >>> 24) & 0xff], 4);
  return concat([header, body]);
}

/** The image without its metadata, or null when its bytes do not parse as `type`. */
export function stripImageMetadata(bytes: Uint8Array, type: ImageType): Uint8Array | null {
  if (type === 'image/jpeg') return stripJpeg(bytes);
  if (type === 'image/png') return stripPng(bytes);
  return stripWebp(bytes);
}
