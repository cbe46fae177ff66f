import { join } from 'node:path';

const SEGMENT = /^[0-9A-Za-z_.-]{1,128}$/;

/**
 * The file of a store key (`a/b/c`) under a directory store's root (Node mode's audit and photo stores).
 * Keys are built from ids, dates and names of the app's own; a segment that is empty, `.`, `..` or holds
 * anything but those characters is refused, so no key, however its ids came in (an import), leaves the root.
 */
export function fileOfKey(root: string, key: string): string {
  const segments = key.split('/');
  if (!segments.every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..')) throw new Error(`not a store key: ${JSON.stringify(key)}`);
  return join(root, ...segments);
}
