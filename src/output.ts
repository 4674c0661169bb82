/**
 * Writing output files: each file is written whole or not at all — to a temporary file in the
 * same folder, flushed, then renamed over the target (rename is atomic on one file system).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
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
