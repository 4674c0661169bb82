/**
 * The manifest of an output folder (`out/manifest.json`): which file was produced from what, so
 * that anyone can tell later which data produced which document, and whether a file was changed
 * since. For each output: its SHA-256 and size, the date its content refers to, the template and
 * every input data file with their SHA-256, and the product version.
 *
 * The manifest holds no clock time, so that the same data and templates give the same manifest.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { OutputFile } from './atomic.ts';
import { productFileSchema, readProductFile } from './json.ts';

/** File name of the manifest inside an output folder. */
export const MANIFEST_FILE = 'manifest.json';
/** File name of the manifest's signature (src/signature/manifest.ts), beside it. */
export const MANIFEST_SIGNATURE_FILE = `${MANIFEST_FILE}.sig`;

/** SHA-256 of bytes, lowercase hex. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A file and the SHA-256 of its bytes (lowercase hex); `path` as shown in messages, with "/". */
export type FileHash = z.infer<typeof fileHash>;
const fileHash = z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const outputSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  /** Date the content refers to (ISO, Europe/Paris): deliberation, état or report month end. */
  date: z.string(),
  template: fileHash,
  inputs: z.array(fileHash),
  productVersion: z.string(),
});

/** Schema of `manifest.json`. */
export const manifestSchema = productFileSchema('outputs', outputSchema); // by file name (relative to the output folder), sorted

/** Contents of `manifest.json`. */
export type Manifest = z.infer<typeof manifestSchema>;
/** One output's record. */
export type ManifestOutput = z.infer<typeof outputSchema>;

/**
 * Where an output came from: its template, its input files (each with the SHA-256 of the bytes
 * the run actually read, never re-read at publish time: issue 12), its content date.
 */
export interface Provenance {
  readonly template: FileHash;
  readonly inputs: readonly FileHash[];
  readonly date: string;
}

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** Version of the product, from package.json. */
export async function productVersion(): Promise<string> {
  return (JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string }).version;
}

/** A manifest with no output (what an output folder without manifest.json has). */
export const emptyManifest = (): Manifest => ({ product: 'alses-reports', outputs: {} });

/**
 * Reads the manifest of `outDir`; an absent manifest is an empty one. A damaged one is never
 * replaced silently (it holds the records of documents other runs produced: issue 12).
 * @throws AlsesError OUTPUT (exit 3) when the file exists but cannot be read, is not JSON (line
 *   and column of the fault), or is not of the manifest's shape (line and column of the value):
 *   the French message names the file and says what to do.
 */
export async function readManifest(outDir: string): Promise<Manifest> {
  return (await readProductFile(path.join(outDir, MANIFEST_FILE), manifestSchema, MANIFEST_DAMAGE)) ?? emptyManifest();
}

const MANIFEST_DAMAGE = {
  label: 'Manifeste',
  expected: 'le fichier JSON écrit par alses render ou alses monthly',
  remedy:
    'rien n\'a été écrit. Restaurez-le depuis une sauvegarde ; ou bien, sciemment, supprimez-le : la prochaine production en écrira un nouveau, qui ne listera que les documents qu\'elle produit (les autres ne seront plus vérifiables)',
};

/** Serialises a manifest with sorted keys, so equal content gives equal bytes. */
export function serializeManifest(manifest: Manifest): Uint8Array {
  const outputs = Object.fromEntries(Object.entries(manifest.outputs).sort(([a], [b]) => (a < b ? -1 : 1)));
  return new TextEncoder().encode(JSON.stringify({ product: manifest.product, outputs }, null, 2) + '\n');
}

/** A file's key in the manifest: its path relative to the output folder, with "/". */
export const manifestName = (outDir: string, file: string): string => path.relative(outDir, file).split(path.sep).join('/');

/** The manifest record of a file about to be published (its hash, size and provenance). */
export function manifestRecord(f: OutputFile & { provenance: Provenance }, version: string): ManifestOutput {
  const slash = (h: FileHash): FileHash => ({ path: h.path.split(path.sep).join('/'), sha256: h.sha256 });
  const inputs = [...new Map(f.provenance.inputs.map((h) => [h.path, slash(h)])).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { sha256: sha256(f.bytes), size: f.bytes.byteLength, date: f.provenance.date, template: slash(f.provenance.template), inputs, productVersion: version };
}

/**
 * The bytes of `outDir`'s manifest once `files` are published there: `previous` (the manifest
 * read before anything is written, `readManifest`) with their records added or replaced, and the
 * records of `removed` (names as in the manifest) dropped. No source file is read here: each
 * hash is the one of the bytes the run used (`Provenance`). Nothing is written: the publication
 * (publish.ts) writes the manifest in the same transaction as the files.
 */
export async function manifestWith(outDir: string, files: readonly (OutputFile & { provenance: Provenance })[], previous: Manifest, removed: readonly string[] = []): Promise<Uint8Array> {
  const version = await productVersion();
  const outputs: Record<string, ManifestOutput> = Object.fromEntries(Object.entries(previous.outputs).filter(([name]) => !removed.includes(name)));
  for (const f of files) outputs[manifestName(outDir, f.path)] = manifestRecord(f, version);
  return serializeManifest({ product: 'alses-reports', outputs });
}
