/**
 * The lock of an output folder: one run at a time writes its files and manifest.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { AlsesError } from '../errors.ts';
import { systemReason } from './atomic.ts';

/** Name of the lock file of an output folder (held while a run writes there). */
export const LOCK_FILE = '.alses.lock';

/**
 * Runs `fn` while holding the output folder's lock, so that two runs never write the same
 * folder (files and manifest) at once. The folder is created if needed. A lock left by a crashed
 * run is taken over after 60 s.
 * @param waitMs how long to wait for another run's lock (0: fail at once).
 * @throws AlsesError LOCKED when the lock is still held after `waitMs`; OUTPUT at once (without
 *   waiting) when the folder cannot be created or written by this account.
 */
export async function withOutputLock<T>(outDir: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  try {
    await mkdir(outDir, { recursive: true });
    // A folder this account cannot write fails now, not after waiting `waitMs` for a lock it can never take.
    await access(outDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new AlsesError('OUTPUT', `Dossier de sortie « ${outDir} » inutilisable : ${systemReason(err)} (attendu : un dossier où écrire, voir --out)`);
  }
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
    throw new AlsesError('OUTPUT', `Dossier de sortie « ${outDir} » inutilisable : ${systemReason(err)} (attendu : un dossier où écrire, voir --out)`);
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}
