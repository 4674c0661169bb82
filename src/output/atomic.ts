/**
 * Writing output files: each file is written whole or not at all — to a temporary file in the
 * same folder, flushed, then renamed over the target (rename is atomic on one file system).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { AlsesError } from '../errors.ts';

/** A file to write: its path and its bytes. */
export interface OutputFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Removes a file if it is there; never throws (cleanup after a failure must not hide it). */
export async function removeQuietly(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'dossier introuvable',
  EACCES: 'permission refusée',
  EPERM: 'opération non permise',
  EISDIR: 'un dossier porte déjà ce nom',
  ENOTDIR: 'un élément du chemin est un fichier, pas un dossier',
  EEXIST: 'un fichier porte déjà ce nom',
  ENOSPC: 'disque plein',
  EROFS: 'système de fichiers en lecture seule',
  EDQUOT: 'quota disque dépassé',
};

/** A system error (ENOENT, EACCES…) in French: "permission refusée (EACCES)". */
export function systemReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && SYSTEM_REASONS[code]) return `${SYSTEM_REASONS[code]} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Writes `bytes` next to `file` in a new temporary file of the same folder, flushed to disk.
 * @returns the temporary file's path (rename it over `file` with `commitTemp`).
 * @throws AlsesError OUTPUT (French, naming the file and the reason); no temp file is left.
 */
export async function writeTemp(file: string, bytes: Uint8Array): Promise<string> {
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
    return temp;
  } catch (err) {
    await removeQuietly(temp);
    throw new AlsesError('OUTPUT', `Écriture de « ${file} » impossible : ${systemReason(err)}`);
  }
}

/**
 * Renames a temporary file over its target (atomic on one file system).
 * @throws AlsesError OUTPUT (French) when the target cannot be replaced, e.g. it is a folder;
 *   the temporary file is removed and the target is untouched.
 */
export async function commitTemp(temp: string, file: string): Promise<void> {
  try {
    await rename(temp, file);
  } catch (err) {
    await removeQuietly(temp);
    throw new AlsesError('OUTPUT', `Remplacement de « ${file} » impossible : ${systemReason(err)}`);
  }
}

/**
 * Writes `bytes` to `file` atomically (temp file + fsync + rename). The folder is created if
 * needed. On failure the temp file is removed and the previous `file`, if any, is untouched.
 * @throws AlsesError OUTPUT with a French message naming the file and the system's reason.
 */
export async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await commitTemp(await writeTemp(file, bytes), file);
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
  try {
    await mkdir(outDir, { recursive: true });
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
