import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileOfKey, isStoreKey } from '../platform/dir-key';
import type { AuditStore } from './store';

/** Node mode's AuditStore: files under one directory (put it on another disk or a synced mount, docs/audit.md). */
export function dirStore(root: string): AuditStore {
  const path = (key: string) => fileOfKey(root, key);
  return {
    async putOnce(key, body) {
      await mkdir(dirname(path(key)), { recursive: true });
      try {
        await writeFile(path(key), body, { flag: 'wx' });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
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
    async list(prefix) {
      const folder = prefix.replace(/\/$/, '');
      if (!isStoreKey(folder)) return [];
      const base = path(folder);
      let names: string[];
      try {
        names = (await readdir(base, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return names.map((name) => relative(root, name).split(sep).join('/')).sort();
    },
  };
}
