import { describe, expect, it } from 'vitest';
import { EXPORT_LIMITS, photosFit } from './export';

const GiB = 1024 ** 3;

describe('photosFit: a township’s photos in one ZIP without ZIP64', () => {
  it.each([
    [{ count: 0, bytes: 0 }, true],
    [{ count: 12_000, bytes: 2 * GiB }, true],
    [{ count: EXPORT_LIMITS.photos, bytes: EXPORT_LIMITS.bytes }, true],
    [{ count: EXPORT_LIMITS.photos + 1, bytes: GiB }, false],
    [{ count: 100, bytes: 3.6 * GiB }, false],
    // the limits leave room for the table parts and the rest of the file's 65,535 entries and 4 GiB
    [{ count: 65_535, bytes: 4 * GiB }, false],
  ])('%o fits: %s', (photos, fits) => expect(photosFit(photos)).toBe(fits));
});
