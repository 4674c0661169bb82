/**
 * Publishing a run's files into an output folder (callers hold the folder's lock): each file is written
 * atomically unless identical bytes are already there (then it is left untouched, so a re-run is
 * idempotent), and the folder's manifest records where each file came from.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { AlsesError } from '../errors.ts';
import { readManifest, recordOutputs, sha256, type Provenance } from './manifest.ts';
import { commitTemp, compareWithDisk, removeQuietly, systemReason, writeTemp, type OutputFile } from './atomic.ts';
import { updateManifestSignature, type ManifestKey } from '../signature/manifest.ts';

/** A file to publish, with where it came from. */
export interface PublishedFile extends OutputFile {
  readonly provenance: Provenance;
}

/** What happened to one file. */
export interface PublishResult {
  readonly path: string;
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
  /** Size in bytes. */
  readonly size: number;
  /** `written`: new or changed; `unchanged`: identical bytes were already there. */
  readonly status: 'written' | 'unchanged';
}

/**
 * Writes `files` into `outDir` (all of them are in memory already: a failed render never gets
 * here) with `replaceAll`, then updates `outDir/manifest.json`; with `options.manifestKey`, signs
 * it (`manifest.json.sig`), without, removes a signature that no longer matches it. Callers hold
 * the folder's lock (`withOutputLock`, lock.ts) for the whole run. A failure replaces nothing.
 * @throws AlsesError OUTPUT when a file cannot be written, in French with the system's reason,
 *   or when the folder's manifest is damaged (`readManifest`: then nothing is written).
 */
export async function publish(outDir: string, files: readonly PublishedFile[], options: { readonly manifestKey?: ManifestKey | undefined } = {}): Promise<PublishResult[]> {
  // A damaged manifest stops the run before any file is replaced (it is never reset silently).
  const manifest = await readManifest(outDir);
  const statuses = await replaceAll(files);
  await recordOutputs(outDir, files, manifest);
  await updateManifestSignature(outDir, options.manifestKey);
  return files.map((f, i) => ({ path: f.path, sha256: sha256(f.bytes), size: f.bytes.byteLength, status: statuses[i]! }));
}

/**
 * Writes a set of files as one transaction: after a failure every target is as it was.
 * 1. every changed file is written to a temporary file (a failure removes them all);
 * 2. each previous version is kept aside (hard link, or copy);
 * 3. each temporary file is renamed over its target; should a rename fail (a file locked or made
 *    immutable meanwhile), the files already replaced get their previous version back, and new
 *    ones are removed;
 * 4. the kept versions are dropped.
 * A file whose bytes are already on disk is left untouched.
 * @returns each file's status, in the order of `files`: `written` (new or changed) or `unchanged`.
 * @throws AlsesError OUTPUT when a file cannot be written, in French with the system's reason.
 */
export async function replaceAll(files: readonly OutputFile[]): Promise<('written' | 'unchanged')[]> {
  const statuses: ('written' | 'unchanged')[] = [];
  const pending: { file: OutputFile; temp: string; backup?: string }[] = [];
  const cleanup = () => Promise.all(pending.flatMap((p) => [removeQuietly(p.temp), ...(p.backup ? [removeQuietly(p.backup)] : [])]));
  try {
    for (const f of files) {
      if ((await stat(f.path).catch(() => undefined))?.isDirectory())
        throw new AlsesError('OUTPUT', `Écriture de « ${f.path} » impossible : un dossier porte déjà ce nom (attendu : un fichier, ou rien)`);
      const onDisk = await compareWithDisk(f.path, f.bytes);
      const unchanged = onDisk === 'same';
      if (!unchanged) pending.push({ file: f, temp: await writeTemp(f.path, f.bytes), ...(onDisk === 'different' ? { backup: await keepAside(f.path) } : {}) });
      statuses.push(unchanged ? 'unchanged' : 'written');
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  for (const [i, p] of pending.entries()) {
    try {
      await commitTemp(p.temp, p.file.path);
    } catch (err) {
      // Put back what was already replaced, newest first, so the folder is as before.
      for (const q of pending.slice(0, i).reverse()) {
        if (q.backup) await rename(q.backup, q.file.path).catch(() => undefined);
        else await removeQuietly(q.file.path);
      }
      await cleanup();
      const message = err instanceof AlsesError ? err.message : String(err);
      throw new AlsesError('OUTPUT', `${message} ; aucun fichier n'a été remplacé.`);
    }
  }
  await cleanup();
  return statuses;
}

/** Keeps the current version of `file` aside (hard link, or copy), for a rollback. */
async function keepAside(file: string): Promise<string> {
  const backup = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.bak`);
  try {
    await link(file, backup);
  } catch {
    try {
      await copyFile(file, backup);
    } catch (err) {
      throw new AlsesError('OUTPUT', `Sauvegarde de « ${file} » avant remplacement impossible : ${systemReason(err)}`);
    }
  }
  return backup;
}
