import { join } from 'node:path';

const SEGMENT = /^[0-9A-Za-z_.-]{1,128}$/;

/**
 * Whether a key (`a/b/c`) can name a file of a directory store (Node mode's audit and photo stores). Keys are
 * built from ids, dates and names of the app's own; a segment that is empty, `.`, `..` or holds anything but
 * those characters is not a key, so none, however its ids came in (an import, a query), leaves the root.
 */
export const isStoreKey = (key: string) => key.split('/').every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..');

/** The file of a store key under the store's root; a write to what is not a key is refused (reads find nothing there). */
export function fileOfKey(root: string, key: string): string {
  if (!isStoreKey(key)) throw new Error(`not a store key: ${JSON.stringify(key)}`);
  return join(root, ...key.split('/'));
}
