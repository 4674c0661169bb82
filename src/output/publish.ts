/**
 * Publishing a run's files into an output folder (callers hold the folder's lock): the files,
 * the folder's manifest (which records where each file came from) and the manifest's signature
 * are replaced in one journaled transaction (transaction.ts) — all of them or none, even when the
 * run is killed midway. A file whose identical bytes are already there is left untouched, so a
 * re-run is idempotent.
 */
import path from 'node:path';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, manifestWith, readManifest, sha256, type Provenance } from './manifest.ts';
import type { OutputFile } from './atomic.ts';
import { replaceAll } from './transaction.ts';
import { plannedManifestSignature, type ManifestKey } from '../signature/manifest.ts';

export { replaceAll } from './transaction.ts';

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
 * here) together with the new `outDir/manifest.json` (computed first, from the current one) and,
 * with `options.manifestKey`, its signature `manifest.json.sig`; without a key, a signature that
 * would no longer match the manifest is removed in the same transaction. Callers hold the
 * folder's lock (`withOutputLock`, lock.ts) for the whole run. A failure replaces nothing — not
 * the documents, not the manifest.
 * @returns what happened to each of `files` (the manifest and signature are not listed).
 * @throws AlsesError OUTPUT when a file (or the manifest) cannot be written, or the run was
 *   stopped (SIGTERM) before publishing, or when the folder's manifest is damaged
 *   (`readManifest`: then nothing is written); LOCKED when the lock was lost; in French.
 */
export async function publish(outDir: string, files: readonly PublishedFile[], options: { readonly manifestKey?: ManifestKey | undefined } = {}): Promise<PublishResult[]> {
  // A damaged manifest stops the run before any file is replaced (it is never reset silently).
  const manifest = await manifestWith(outDir, files, await readManifest(outDir));
  const signature = await plannedManifestSignature(outDir, manifest, options.manifestKey);
  const manifestFile = { path: path.join(outDir, MANIFEST_FILE), bytes: manifest };
  const signatureFile = path.join(outDir, MANIFEST_SIGNATURE_FILE);
  const statuses = await replaceAll(outDir, [...files, manifestFile, ...(signature.write ? [{ path: signatureFile, bytes: signature.write }] : [])], {
    remove: signature.remove ? [signatureFile] : [],
  });
  return files.map((f, i) => ({ path: f.path, sha256: sha256(f.bytes), size: f.bytes.byteLength, status: statuses[i]! }));
}
