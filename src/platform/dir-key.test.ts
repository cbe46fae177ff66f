import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dirStore } from '../audit/dir-store';
import { fileOfKey, isStoreKey } from './dir-key';
import { dirPhotoStore } from './photo-dir-store';

describe('fileOfKey', () => {
  it.each([
    ['photos/01m8x9d1mpf9tadjk012/01m8x9d1mz1sgrabmq7x/01m8x9d4xbzgdeyn1r77', '/data/photos/photos/01m8x9d1mpf9tadjk012/01m8x9d1mz1sgrabmq7x/01m8x9d4xbzgdeyn1r77'],
    ['anchors/01m8x9d1mpf9tadjk012/2026-12-03.json', '/data/photos/anchors/01m8x9d1mpf9tadjk012/2026-12-03.json'],
  ])('keeps %s under the root', (key, file) => expect(fileOfKey('/data/photos', key)).toBe(file));

  it.each(['photos/../../etc/passwd', 'photos/a/../../b', '../x', 'photos//x', 'photos/./x', '/etc/passwd', 'photos/a\\..\\b', 'photos/\0x', 'photos/a b'])(
    'refuses %s',
    (key) => {
      expect(isStoreKey(key)).toBe(false);
      expect(() => fileOfKey('/data/photos', key)).toThrow(/not a store key/);
    },
  );

  it('lets the stores find nothing under what is no key, and write nothing there', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xp-key-'));
    try {
      const [photos, audit] = [dirPhotoStore(mkdtempSync(join(folder, 'photos-'))), dirStore(mkdtempSync(join(folder, 'audit-')))];
      expect(await photos.get('photos/../../etc/passwd')).toBeNull();
      await photos.delete(['photos/../../etc/passwd']);
      await expect(photos.put('photos/../x', new Uint8Array(1), 'image/jpeg')).rejects.toThrow(/not a store key/);
      expect(await audit.get('anchors/../../etc/passwd')).toBeNull();
      expect(await audit.list('anchors/^g/')).toEqual([]);
      await expect(audit.putOnce('anchors/../x', new Uint8Array(1))).rejects.toThrow(/not a store key/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
