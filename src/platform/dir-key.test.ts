import { describe, expect, it } from 'vitest';
import { fileOfKey } from './dir-key';

describe('fileOfKey', () => {
  it.each([
    ['photos/01m8x9d1mpf9tadjk012/01m8x9d1mz1sgrabmq7x/01m8x9d4xbzgdeyn1r77', '/data/photos/photos/01m8x9d1mpf9tadjk012/01m8x9d1mz1sgrabmq7x/01m8x9d4xbzgdeyn1r77'],
    ['anchors/01m8x9d1mpf9tadjk012/2026-12-03.json', '/data/photos/anchors/01m8x9d1mpf9tadjk012/2026-12-03.json'],
  ])('keeps %s under the root', (key, file) => expect(fileOfKey('/data/photos', key)).toBe(file));

  it.each(['photos/../../etc/passwd', 'photos/a/../../b', '../x', 'photos//x', 'photos/./x', '/etc/passwd', 'photos/a\\..\\b', 'photos/\0x', 'photos/a b'])(
    'refuses %s',
    (key) => expect(() => fileOfKey('/data/photos', key)).toThrow(/not a store key/),
  );
});
