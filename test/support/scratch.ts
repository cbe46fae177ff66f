import { existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the test servers keep their files (local D1, the audit and photo folders): tmpfs where it has room, so
 * SQLite's syncs at each commit wait on no disk (the API lane's idle time fell from ~9 to ~3 CPU-s, ~3 % of its
 * wall); the system's temporary folder elsewhere, or where /dev/shm is a container's small default.
 */
const ROOT = (() => {
  if (!existsSync('/dev/shm')) return tmpdir();
  const { bavail, bsize } = statfsSync('/dev/shm');
  return bavail * bsize > 2 * 1024 ** 3 ? '/dev/shm' : tmpdir();
})();

const left = new Set<string>();
process.once('exit', () => {
  for (const path of left) rmSync(path, { recursive: true, force: true });
});

/** A new folder of its own, removed with everything in it when `remove` is called or the process exits. */
export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(ROOT, prefix));
  left.add(path);
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
      left.delete(path);
    },
  };
}
