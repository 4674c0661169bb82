/**
 * Publishing a run's files into an output folder (callers hold the folder's lock): the files,
 * the folder's manifest (which records where each file came from) and the manifest's signature
 * are replaced in one journaled transaction (transaction.ts) — all of them or none, even when the
 * run is killed midway. A file whose identical bytes are already there is left untouched, so a
 * re-run is idempotent.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, manifestName, manifestRecord, manifestWith, productVersion, readManifest, sha256, type Manifest, type ManifestOutput, type Provenance } from './manifest.ts';
import type { OutputFile } from './atomic.ts';
import { replaceAll } from './transaction.ts';
import { displayPath } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
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
  /**
   * `written`: new or changed; `unchanged`: identical bytes were already there; `removed`: another
   * format of a document this run published, made from other inputs (stale), removed.
   */
  readonly status: 'written' | 'unchanged' | 'removed';
}

/**
 * The other formats of the documents of `files` that the folder's manifest records as made from
 * other data, template or product version than this run's (stale): `a.html` when this run
 * publishes `a.pdf` from changed data. A format made from the same inputs is still current and
 * kept. `formats` are the extensions that are formats of one document (pdf, docx, html).
 */
async function staleFormats(outDir: string, files: readonly PublishedFile[], previous: Manifest, formats: readonly string[]): Promise<{ name: string; record: ManifestOutput }[]> {
  const version = await productVersion();
  const published = new Set(files.map((f) => manifestName(outDir, f.path)));
  const provenance = ({ sha256: _h, size: _s, ...rest }: ManifestOutput): string => JSON.stringify(rest);
  const stale = new Map<string, ManifestOutput>();
  for (const f of files) {
    const name = manifestName(outDir, f.path);
    const ext = path.extname(name).slice(1);
    if (!formats.includes(ext)) continue;
    const current = provenance(manifestRecord(f, version));
    for (const other of formats) {
      const sibling = `${name.slice(0, -ext.length)}${other}`;
      const record = previous.outputs[sibling];
      if (record && !published.has(sibling) && provenance(record) !== current) stale.set(sibling, record);
    }
  }
  return [...stale].map(([name, record]) => ({ name, record }));
}

/**
 * Refuses a file that is not directly in `outDir` (a name with `/` or `..`, such as the
 * `annexe-deploiement-../../x` of a déploiement id typed by hand: issue 12): the manifest records
 * plain names only, and nothing is ever written outside the output folder.
 * @throws AlsesError OUTPUT naming the file; nothing has been written.
 */
function refuseOutside(outDir: string, files: readonly OutputFile[]): void {
  const folder = path.resolve(outDir);
  for (const f of files) {
    const target = path.resolve(f.path);
    if (path.dirname(target) !== folder)
      throw new AlsesError('OUTPUT', `Écriture de « ${displayPath(f.path)} » refusée : ce fichier sortirait du dossier de sortie « ${displayPath(folder)} » (attendu : un nom de fichier sans « / » ni « .. ») ; aucun fichier n'a été écrit.`);
  }
}

/**
 * Writes `files` into `outDir` (all of them are in memory already: a failed render never gets
 * here) together with the new `outDir/manifest.json` (computed first, from the current one) and,
 * with `options.manifestKey`, its signature `manifest.json.sig`; without a key, a signature that
 * would no longer match the manifest is removed in the same transaction, and so are the stale
 * other formats of the documents published (`options.formats`, see `staleFormats`): a run of
 * some formats never leaves an older version of the same document beside the new one. Callers hold the
 * folder's lock (`withOutputLock`, lock.ts) for the whole run. A failure replaces nothing — not
 * the documents, not the manifest.
 * @returns what happened to each of `files`, then the stale files removed (the manifest and
 *   signature are not listed).
 * @throws AlsesError OUTPUT when a file would not be directly in `outDir`, or a file (or the manifest) cannot be written, or the run was
 *   stopped (SIGTERM) before publishing, or when the folder's manifest is damaged
 *   (`readManifest`: then nothing is written); LOCKED when the lock was lost; in French.
 */
export async function publish(
  outDir: string,
  files: readonly PublishedFile[],
  options: { readonly manifestKey?: ManifestKey | undefined; readonly formats?: readonly string[] } = {},
): Promise<PublishResult[]> {
  refuseOutside(outDir, files);
  // A damaged manifest stops the run before any file is replaced (it is never reset silently).
  const previous = await readManifest(outDir);
  const stale = await staleFormats(outDir, files, previous, options.formats ?? []);
  const manifest = await manifestWith(outDir, files, previous, stale.map((s) => s.name));
  // Only the stale files still there are reported removed (their record alone is dropped otherwise).
  const present = await Promise.all(stale.map(async (s) => (await stat(path.join(outDir, s.name)).catch(() => undefined))?.isFile() === true));
  const signature = await plannedManifestSignature(outDir, manifest, options.manifestKey);
  const manifestFile = { path: path.join(outDir, MANIFEST_FILE), bytes: manifest };
  const signatureFile = path.join(outDir, MANIFEST_SIGNATURE_FILE);
  const statuses = await replaceAll(outDir, [...files, manifestFile, ...(signature.write ? [{ path: signatureFile, bytes: signature.write }] : [])], {
    remove: [...(signature.remove ? [signatureFile] : []), ...stale.map((s) => path.join(outDir, s.name))],
  });
  return [
    ...files.map((f, i) => ({ path: f.path, sha256: sha256(f.bytes), size: f.bytes.byteLength, status: statuses[i]! })),
    ...stale.filter((_, i) => present[i]).map((s) => ({ path: path.join(outDir, s.name), sha256: s.record.sha256, size: s.record.size, status: 'removed' as const })),
  ];
}
