/**
 * Writing output files: each file is written whole or not at all — to a temporary file in the
 * same folder, flushed, then renamed over the target (rename is atomic on one file system) — and
 * only when its bytes changed.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
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
  ENAMETOOLONG: 'nom de fichier trop long (au plus 255 octets, temporaire compris)',
  ELOOP: 'boucle de liens symboliques',
  EMFILE: 'trop de fichiers ouverts',
  EIO: "erreur d'entrée-sortie du disque",
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
 * How `bytes` compare with what `file` holds now: `absent` (no such file, or unreadable), `same`
 * (identical bytes: leave the file alone, so a re-run is idempotent) or `different` — also for
 * anything but a regular file, which is never opened for reading: a symbolic link (not followed:
 * it may lead anywhere, e.g. /dev/zero), a FIFO (it would block), a device (issue 12).
 */
export async function compareWithDisk(file: string, bytes: Uint8Array): Promise<'absent' | 'same' | 'different'> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ELOOP' ? 'different' : 'absent';
  }
  try {
    const info = await handle.stat();
    // A folder is no previous version: replacing it fails, with its own message (`replaceAll`).
    if (info.isDirectory()) return 'absent';
    if (!info.isFile()) return 'different';
    if (info.size !== bytes.byteLength) return 'different';
    return Buffer.compare(await handle.readFile(), bytes) === 0 ? 'same' : 'different';
  } catch {
    return 'absent';
  } finally {
    await handle.close();
  }
}

/**
 * Writes `bytes` to `file` atomically (`writeAtomic`) unless the file already holds exactly these
 * bytes, in which case it is not touched (its date does not change).
 * @returns `written` or `unchanged`.
 * @throws AlsesError OUTPUT as `writeAtomic`.
 */
export async function writeIfChanged(file: string, bytes: Uint8Array): Promise<'written' | 'unchanged'> {
  if ((await compareWithDisk(file, bytes)) === 'same') return 'unchanged';
  await writeAtomic(file, bytes);
  return 'written';
}
