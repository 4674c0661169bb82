/** A cheap fingerprint of folders' content, for the web server's caches and its stale-page checks. */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { LOCK_FILE } from '../output/lock.ts';

/**
 * A fingerprint of the files under some folders: their paths, sizes and modification times (not
 * their bytes), leaving out the lock folder of a command writing there (`.alses.lock`). Unreadable
 * entries count as absent; a path that is a file counts as itself.
 * @returns a SHA-256, in hexadecimal.
 */
export async function fingerprint(dirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      // The lock of a command writing there: not content (a save compares under its own lock).
      if (e.name === LOCK_FILE) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const st = await stat(p).catch(() => undefined);
        hash.update(`${p}\0${st?.size}\0${st?.mtimeMs}\n`);
      }
    }
  };
  for (const d of dirs) {
    const st = await stat(d).catch(() => undefined);
    if (st?.isDirectory()) await walk(d);
    else hash.update(`${d}\0${st?.size}\0${st?.mtimeMs}\n`);
  }
  return hash.digest('hex');
}
