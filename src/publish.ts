/**
 * Publishing a run's files into an output folder (callers hold the folder's lock): each file is written
 * atomically unless identical bytes are already there (then it is left untouched, so a re-run is
 * idempotent), and the folder's manifest records where each file came from.
 */
import { readFile } from 'node:fs/promises';
import { recordOutputs, sha256, type Provenance } from './manifest.ts';
import { writeAtomic, type OutputFile } from './output.ts';

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
 * for the whole run.
 * @throws AlsesError OUTPUT when a file cannot be written (files already renamed stay, each whole).
 */
export async function publish(outDir: string, files: readonly PublishedFile[]): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const f of files) {
    const previous = await readFile(f.path).catch(() => undefined);
    const unchanged = previous !== undefined && Buffer.compare(previous, f.bytes) === 0;
    if (!unchanged) await writeAtomic(f.path, f.bytes);
    results.push({ path: f.path, sha256: sha256(f.bytes), size: f.bytes.byteLength, status: unchanged ? 'unchanged' : 'written' });
  }
  await recordOutputs(outDir, files);
  return results;
}
