import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileOfKey, isStoreKey } from './dir-key';
import type { PhotoStore } from './photo-store';

/** Node mode's PhotoStore: one file per photo under a directory (back it up with the database, docs/organisation-life.md). */
export function dirPhotoStore(root: string): PhotoStore {
  const path = (key: string) => fileOfKey(root, key);
  return {
    async put(key, body) {
      await mkdir(dirname(path(key)), { recursive: true });
      await writeFile(path(key), body);
    },
    async get(key) {
      if (!isStoreKey(key)) return null;
      try {
        return new Uint8Array(await readFile(path(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(keys) {
      await Promise.all(keys.filter(isStoreKey).map((key) => rm(path(key), { force: true })));
    },
  };
}
