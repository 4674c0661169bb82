/**
 * The manifest of an output folder (`out/manifest.json`): which file was produced from what, so
 * that anyone can tell later which data produced which document, and whether a file was changed
 * since. For each output: its SHA-256 and size, the date its content refers to, the template and
 * every input data file with their SHA-256, and the product version.
 *
 * The manifest holds no clock time, so that the same data and templates give the same manifest.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { displayPath } from '../diagnostics.ts';
import { diagnosticError } from '../errors.ts';
import type { OutputFile } from './atomic.ts';
import { productFileSchema, readJsonFile } from './json.ts';

/** File name of the manifest inside an output folder. */
export const MANIFEST_FILE = 'manifest.json';
/** File name of the manifest's signature (src/signature/manifest.ts), beside it. */
export const MANIFEST_SIGNATURE_FILE = `${MANIFEST_FILE}.sig`;

/** SHA-256 of bytes, lowercase hex. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

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

/** Where an output came from: its template, its input files, its content date. */
export interface Provenance {
  readonly template: string;
  readonly inputs: readonly string[];
  readonly date: string;
}

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** Version of the product, from package.json. */
export async function productVersion(): Promise<string> {
  return (JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string }).version;
}

/** Hashes files given by path (as shown in messages: relative to the working folder). */
async function hashFiles(paths: readonly string[]): Promise<{ path: string; sha256: string }[]> {
  const unique = [...new Set(paths)].sort();
  return Promise.all(unique.map(async (p) => ({ path: p.split(path.sep).join('/'), sha256: sha256(await readFile(p)) })));
}

/**
 * Reads the manifest of `outDir`; an absent manifest is an empty one.
 * @throws AlsesError INVALID_INPUT when the file exists but is not a manifest.
 */
export async function readManifest(outDir: string): Promise<Manifest> {
  const file = path.join(outDir, MANIFEST_FILE);
  const read = await readJsonFile(file, manifestSchema);
  if (read.status === 'ok') return read.value;
  if (read.status !== 'invalid') return { product: 'alses-reports', outputs: {} };
  throw diagnosticError('INVALID_INPUT', {
    severity: 'error',
    ruleId: 'manifest/invalid',
    message: `Manifeste « ${file} » illisible (attendu : le fichier JSON écrit par alses render ou alses monthly)`,
    place: { file: displayPath(file) },
  });
}

/** Serialises a manifest with sorted keys, so equal content gives equal bytes. */
export function serializeManifest(manifest: Manifest): Uint8Array {
  const outputs = Object.fromEntries(Object.entries(manifest.outputs).sort(([a], [b]) => (a < b ? -1 : 1)));
  return new TextEncoder().encode(JSON.stringify({ product: manifest.product, outputs }, null, 2) + '\n');
}

/**
 * The bytes of `outDir`'s manifest once `files` are published there: the current manifest (an
 * absent or unreadable one counts as empty) with their records added or replaced. Nothing is
 * written: the publication (publish.ts) writes the manifest in the same transaction as the files.
 */
export async function manifestWith(outDir: string, files: readonly (OutputFile & { provenance: Provenance })[]): Promise<Uint8Array> {
  const manifest = await readManifest(outDir).catch(() => ({ product: 'alses-reports' as const, outputs: {} }));
  const version = await productVersion();
  const outputs: Record<string, ManifestOutput> = { ...manifest.outputs };
  for (const f of files) {
    const [template] = await hashFiles([f.provenance.template]);
    outputs[path.relative(outDir, f.path).split(path.sep).join('/')] = {
      sha256: sha256(f.bytes),
      size: f.bytes.byteLength,
      date: f.provenance.date,
      template: template!,
      inputs: await hashFiles(f.provenance.inputs),
      productVersion: version,
    };
  }
  return serializeManifest({ product: 'alses-reports', outputs });
}

/** A difference between an output folder and its manifest. */
export interface VerifyFinding {
  readonly kind: 'changed' | 'removed' | 'added' | 'source-changed' | 'source-missing';
  /** File concerned (relative to the output folder for outputs; as recorded for sources). */
  readonly path: string;
  /** French explanation with the expected and found figures. */
  readonly message: string;
}

/**
 * Compares `outDir` with its manifest: outputs changed (SHA-256 or size), removed, or added
 * (files not in the manifest; hidden files and the manifest itself excepted). With `sources`,
 * also compares the recorded template and input files, read from the working folder.
 * @throws AlsesError INVALID_INPUT when there is no manifest or it is unreadable.
 */
export async function verifyOutputs(outDir: string, options: { sources?: boolean } = {}): Promise<VerifyFinding[]> {
  const file = path.join(outDir, MANIFEST_FILE);
  const exists = await readFile(file).then(
    () => true,
    () => false,
  );
  if (!exists)
    throw diagnosticError('INVALID_INPUT', {
      severity: 'error',
      ruleId: 'manifest/missing',
      message: `Aucun manifeste dans « ${outDir} » (attendu : ${file}, écrit par alses render ou alses monthly)`,
      place: { file: displayPath(outDir) },
    });
  const manifest = await readManifest(outDir);
  const findings: VerifyFinding[] = [];
  for (const [name, record] of Object.entries(manifest.outputs)) {
    const bytes = await readFile(path.join(outDir, name)).catch(() => undefined);
    if (!bytes) {
      findings.push({ kind: 'removed', path: name, message: `supprimé (attendu : ${record.size} octets, SHA-256 ${record.sha256.slice(0, 12)}…)` });
      continue;
    }
    const actual = sha256(bytes);
    if (actual !== record.sha256)
      findings.push({
        kind: 'changed',
        path: name,
        message: `modifié (attendu : ${record.size} octets, SHA-256 ${record.sha256.slice(0, 12)}… ; trouvé : ${bytes.byteLength} octets, SHA-256 ${actual.slice(0, 12)}…)`,
      });
  }
  const present = (await readdir(outDir, { withFileTypes: true })).filter((d) => d.isFile() && !d.name.startsWith('.') && d.name !== MANIFEST_FILE && d.name !== MANIFEST_SIGNATURE_FILE).map((d) => d.name);
  for (const name of present.sort()) {
    if (!manifest.outputs[name]) findings.push({ kind: 'added', path: name, message: 'ajouté (absent du manifeste)' });
  }
  if (options.sources) {
    const recorded = new Map<string, string>();
    for (const r of Object.values(manifest.outputs)) for (const s of [r.template, ...r.inputs]) recorded.set(s.path, s.sha256);
    for (const [p, hash] of [...recorded].sort()) {
      const bytes = await readFile(p).catch(() => undefined);
      if (!bytes) findings.push({ kind: 'source-missing', path: p, message: 'source introuvable depuis le dossier courant' });
      else if (sha256(bytes) !== hash) findings.push({ kind: 'source-changed', path: p, message: `source modifiée depuis la production (attendu : SHA-256 ${hash.slice(0, 12)}…)` });
    }
  }
  return findings;
}
