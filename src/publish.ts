/**
 * Publishing a run's files into an output folder (callers hold the folder's lock): each file is written
 * atomically unless identical bytes are already there (then it is left untouched, so a re-run is
 * idempotent), and the folder's manifest records where each file came from.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { AlsesError } from './errors.ts';
import { recordOutputs, sha256, type Provenance } from './manifest.ts';
import { commitTemp, writeTemp, type OutputFile } from './output.ts';

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
 * here) and updates `outDir/manifest.json`. Callers hold the folder's lock (`withOutputLock`)
 * for the whole run. Files are written in two steps, so that a failure replaces nothing: every
 * changed file is first written to a temporary file (a failure there removes them all), then each
 * is renamed over its target. Should a rename still fail (rare: e.g. a folder now has the
 * target's name), the files already renamed are recorded in the manifest, so it stays true.
 * @throws AlsesError OUTPUT when a file cannot be written, in French with the system's reason.
 */
export async function publish(outDir: string, files: readonly PublishedFile[]): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  const pending: { file: PublishedFile; temp: string }[] = [];
  try {
    for (const f of files) {
      if ((await stat(f.path).catch(() => undefined))?.isDirectory())
        throw new AlsesError('OUTPUT', `Écriture de « ${f.path} » impossible : un dossier porte déjà ce nom (attendu : un fichier, ou rien)`);
      const previous = await readFile(f.path).catch(() => undefined);
      const unchanged = previous !== undefined && Buffer.compare(previous, f.bytes) === 0;
      if (!unchanged) pending.push({ file: f, temp: await writeTemp(f.path, f.bytes) });
      results.push({ path: f.path, sha256: sha256(f.bytes), size: f.bytes.byteLength, status: unchanged ? 'unchanged' : 'written' });
    }
  } catch (err) {
    await Promise.all(pending.map((p) => rm(p.temp, { force: true })));
    throw err;
  }
  const done = new Set(files.filter((f) => !pending.some((p) => p.file === f)));
  try {
    for (const [i, p] of pending.entries()) {
      try {
        await commitTemp(p.temp, p.file.path);
      } catch (err) {
        await Promise.all(pending.slice(i + 1).map((q) => rm(q.temp, { force: true })));
        throw err;
      }
      done.add(p.file);
    }
  } finally {
    await recordOutputs(outDir, files.filter((f) => done.has(f)));
  }
  return results;
}
