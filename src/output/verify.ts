/**
 * `alses verify`: compares an output folder with its manifest (`manifest.json`). Confined to the
 * folder (issue 12): a manifest key is a plain file name of the folder, never a path leading out
 * of it (`../`, absolute, through a symbolic link) — such a key is reported, never read; no
 * symbolic link is followed; every entry the manifest does not list is reported (hidden files,
 * sub-folders and their content, links), except the product's own files (`VERIFY_IGNORED`).
 */
import { createHash } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { displayPath } from '../diagnostics.ts';
import { diagnosticError } from '../errors.ts';
import { ALERTS_FILE, SENT_FILE } from '../mail/record.ts';
import { JOURNAL_FILE } from './journal.ts';
import { LOCK_FILE } from './lock.ts';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, readManifest } from './manifest.ts';

/**
 * Entries of an output folder that are the product's own, not documents: `alses verify` does not
 * report them as added. The manifest and its signature; the lock (a folder while a run holds it;
 * what it contains is still reported); the mail registers (`.envois.json`, `.alertes.json`);
 * the publish journal. Every other entry the manifest does not list is reported.
 */
export const VERIFY_IGNORED: readonly string[] = [MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, LOCK_FILE, SENT_FILE, ALERTS_FILE, JOURNAL_FILE];

/** A difference between an output folder and its manifest. */
export interface VerifyFinding {
  /**
   * `changed`, `removed`, `added` (any entry not in the manifest, hidden, folder or link
   * included); `outside`: a manifest key that is not a plain name of the folder, or names a
   * symbolic link (never read); `source-changed`, `source-missing` (with `sources`).
   */
  readonly kind: 'changed' | 'removed' | 'added' | 'outside' | 'source-changed' | 'source-missing';
  /** Entry concerned (relative to the output folder, with "/"; as recorded for sources). */
  readonly path: string;
  /** French explanation with the expected and found figures. */
  readonly message: string;
}

/** A manifest key is a plain file name: no folder, no `.` or `..`, no NUL. */
const isPlainName = (key: string): boolean => key !== '' && key !== '.' && key !== '..' && !/[/\\\0]/.test(key);

const short = (hash: string): string => `${hash.slice(0, 12)}…`;

/**
 * SHA-256 and size of a regular file, read without following a symbolic link and without
 * blocking on a FIFO; streamed (no size limit in memory).
 * @returns `link` for a symbolic link, `other` for anything but a regular file (folder, FIFO,
 *   device), `absent` when there is nothing at `file`.
 */
export async function hashRegularFile(file: string): Promise<{ sha256: string; size: number } | 'link' | 'other' | 'absent'> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
    if (code === 'ELOOP') return 'link';
    if (code === 'EISDIR') return 'other';
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return 'other';
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
}

/** What an entry is, in French, for an `added` finding. */
function describeEntry(entry: Dirent): string {
  if (entry.isSymbolicLink()) return 'lien symbolique ajouté (absent du manifeste ; non suivi)';
  if (entry.isDirectory()) return 'dossier ajouté (absent du manifeste)';
  if (entry.isFile()) return entry.name.startsWith('.') ? 'fichier caché ajouté (absent du manifeste)' : 'ajouté (absent du manifeste)';
  return "ajouté (absent du manifeste ; ni fichier ni dossier : tube, périphérique ou socket)";
}

/** Every entry under `dir` (relative, with "/"), sub-folders' content included; links are not followed. */
async function listEntries(dir: string, prefix = ''): Promise<{ relative: string; entry: Dirent }[]> {
  const entries = (await readdir(path.join(dir, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: { relative: string; entry: Dirent }[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push({ relative, entry });
    if (entry.isDirectory()) out.push(...(await listEntries(dir, relative).catch(() => [])));
  }
  return out;
}

/**
 * Compares `outDir` with its manifest: outputs changed (SHA-256 or size), removed, or added
 * (every entry not in the manifest, except `VERIFY_IGNORED`); keys that lead out of the folder.
 * With `sources`, also compares the recorded template and input files, read from the working
 * folder (only regular files; links followed as any path given by the user).
 * @throws AlsesError INVALID_INPUT when there is no manifest; OUTPUT when it is damaged
 *   (`readManifest`).
 */
export async function verifyOutputs(outDir: string, options: { sources?: boolean } = {}): Promise<VerifyFinding[]> {
  const file = path.join(outDir, MANIFEST_FILE);
  if (!(await lstat(file).then(() => true, () => false)))
    throw diagnosticError('INVALID_INPUT', {
      severity: 'error',
      ruleId: 'manifest/missing',
      message: `Aucun manifeste dans « ${outDir} » (attendu : ${file}, écrit par alses render ou alses monthly)`,
      place: { file: displayPath(outDir) },
    });
  const manifest = await readManifest(outDir);
  const findings: VerifyFinding[] = [];
  const expected = (r: { size: number; sha256: string }) => `${r.size} octets, SHA-256 ${short(r.sha256)}`;
  for (const [name, record] of Object.entries(manifest.outputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isPlainName(name)) {
      findings.push({ kind: 'outside', path: name, message: `clé hors du dossier de sortie : « ${name} » n'est pas un nom de fichier du dossier (attendu : un nom simple, sans dossier, sans .. ni chemin absolu) ; non lue` });
      continue;
    }
    const found = await hashRegularFile(path.join(outDir, name));
    if (found === 'absent') findings.push({ kind: 'removed', path: name, message: `supprimé (attendu : ${expected(record)})` });
    else if (found === 'link')
      findings.push({ kind: 'outside', path: name, message: `clé hors du dossier de sortie : « ${name} » est un lien symbolique, non suivi (attendu : le fichier produit, ${expected(record)})` });
    else if (found === 'other') findings.push({ kind: 'changed', path: name, message: `modifié : ce n'est plus un fichier ordinaire (dossier, tube…) (attendu : ${expected(record)})` });
    else if (found.sha256 !== record.sha256 || found.size !== record.size)
      findings.push({ kind: 'changed', path: name, message: `modifié (attendu : ${expected(record)} ; trouvé : ${expected(found)})` });
  }
  const listed = new Set(Object.keys(manifest.outputs).filter(isPlainName));
  for (const { relative, entry } of await listEntries(outDir)) {
    if (listed.has(relative) || VERIFY_IGNORED.includes(relative)) continue;
    findings.push({ kind: 'added', path: relative, message: describeEntry(entry) });
  }
  if (options.sources) findings.push(...(await verifySources(manifest.outputs)));
  return findings;
}

/** The recorded templates and data files that changed or are missing, read from the working folder. */
async function verifySources(outputs: Readonly<Record<string, { template: { path: string; sha256: string }; inputs: readonly { path: string; sha256: string }[] }>>): Promise<VerifyFinding[]> {
  const recorded = new Map<string, string>();
  for (const r of Object.values(outputs)) for (const s of [r.template, ...r.inputs]) recorded.set(s.path, s.sha256);
  const findings: VerifyFinding[] = [];
  for (const [p, hash] of [...recorded].sort()) {
    // Sources are paths the user's runs read (possibly through links): followed, but only a regular file is read.
    const target = await realpath(p).catch(() => undefined);
    const found = target === undefined ? 'absent' : await hashRegularFile(target).catch(() => 'absent' as const);
    if (found === 'absent' || found === 'link' || found === 'other') findings.push({ kind: 'source-missing', path: p, message: 'source introuvable depuis le dossier courant (ou pas un fichier ordinaire)' });
    else if (found.sha256 !== hash) findings.push({ kind: 'source-changed', path: p, message: `source modifiée depuis la production (attendu : SHA-256 ${short(hash)})` });
  }
  return findings;
}
