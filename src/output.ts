/**
 * Writing output files: each file is written whole or not at all — to a temporary file in the
 * same folder, flushed, then renamed over the target (rename is atomic on one file system).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { AlsesError } from './errors.ts';

/** A file to write: its path and its bytes. */
export interface OutputFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * Writes `bytes` to `file` atomically (temp file + fsync + rename). The folder is created if
 * needed. On failure the temp file is removed and the previous `file`, if any, is untouched.
 * @throws AlsesError OUTPUT with a French message naming the file and the system's reason.
 */
export async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    const reason = err instanceof Error ? err.message : String(err);
    throw new AlsesError('OUTPUT', `Écriture de « ${file} » impossible : ${reason}`);
  }
}

/**
 * Writes several files, each atomically, in order.
 * @throws AlsesError OUTPUT at the first file that cannot be written (earlier ones stay written).
 */
export async function writeAll(files: readonly OutputFile[]): Promise<void> {
  for (const f of files) await writeAtomic(f.path, f.bytes);
}

/** Name of the lock file of an output folder (held while a run writes there). */
export const LOCK_FILE = '.alses.lock';

/**
 * Runs `fn` while holding the output folder's lock, so that two runs never write the same
 * folder (files and manifest) at once. The folder is created if needed. A lock left by a crashed
 * run is taken over after 60 s.
 * @param waitMs how long to wait for another run's lock (0: fail at once).
 * @throws AlsesError LOCKED when the lock is still held after `waitMs`.
 */
export async function withOutputLock<T>(outDir: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  await mkdir(outDir, { recursive: true });
  const lockPath = path.join(outDir, LOCK_FILE);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(outDir, {
      lockfilePath: lockPath,
      stale: 60_000,
      update: 10_000,
      retries: waitMs > 0 ? { retries: Math.ceil(waitMs / 250), minTimeout: 250, maxTimeout: 250, factor: 1 } : 0,
      realpath: false,
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED')
      throw new AlsesError('LOCKED', `Une autre production est en cours dans « ${outDir} » (verrou ${lockPath}) ; réessayez plus tard ou utilisez --wait.`);
    throw err;
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}
