/**
 * Rules of the files of a data folder: a file dispositif.yaml names is missing (`file/missing`)
 * or unreadable (`file/unreadable`); a CSV file of the folder is named by no entry
 * (`file/unlisted`, warning).
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { displayPath } from '../../diagnostics.ts';
import { decimalComma } from '../../format.ts';
import { DISPOSITIF_FILE } from '../schema.ts';
import { guillemets, quote } from '../text.ts';

const shown = displayPath;

/**
 * Largest data file read, in bytes (default 64 MiB; `ALSES_TAILLE_MAX_FICHIER_MO` in MiB overrides
 * it): a larger file is `file/too-large`, never read into memory (issue 12: unbounded input).
 */
export const maxDataFileBytes = (): number => {
  const mib = Number(process.env['ALSES_TAILLE_MAX_FICHIER_MO']);
  return (Number.isFinite(mib) && mib > 0 ? mib : 64) * 1024 * 1024;
};

/** A size in French: « 12 Kio », « 64 Mio », « 1,5 Mio ». */
export const sizeText = (bytes: number): string =>
  bytes < 1048576 ? `${Math.ceil(bytes / 1024)}\u00a0Kio` : `${decimalComma(Math.round((bytes / 1048576) * 10) / 10)}\u00a0Mio`;

/**
 * `file/outside`: a file named in dispositif.yaml must lie inside the data folder — no `../`, no
 * absolute path, no symbolic link leading out of it (issue 12: confinement). Returns the
 * diagnostic, or undefined when the path is inside.
 */
export async function outsideFolder(folder: string, absPath: string, named: string, place: Place): Promise<Diagnostic | undefined> {
  if (await insideFolder(folder, absPath)) return undefined;
  const expected = `un chemin dans le dossier de données, relatif à ${DISPOSITIF_FILE}, ex. etats/2019-07-15.csv`;
  return { severity: 'error', ruleId: 'file/outside', message: `fichier ${quote(named)} hors du dossier de données (attendu : ${expected})`, place, actual: named, expected };
}

/**
 * Whether `absPath` lies inside `folder`, both as written (no `../`, not absolute elsewhere) and
 * once symbolic links are resolved (a link, or a linked sub-folder, leading out of it is outside).
 * A path that does not exist yet is judged by its nearest existing parent.
 */
export async function insideFolder(folder: string, absPath: string): Promise<boolean> {
  const inside = (root: string, p: string): boolean => {
    const rel = path.relative(root, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!inside(path.resolve(folder), path.resolve(absPath))) return false;
  return inside(await resolveExisting(folder), await resolveExisting(absPath));
}

/**
 * `p` (absolute or relative to the working folder) with symbolic links resolved as far as it
 * exists; the part that does not exist yet is appended as written (it cannot be a link).
 */
export async function resolveExisting(p: string): Promise<string> {
  let existing = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) return path.join(real, ...rest.reverse());
    const parent = path.dirname(existing);
    if (parent === existing) return path.resolve(p);
    rest.push(path.basename(existing));
    existing = parent;
  }
}

/**
 * Reads a file; a missing one is `file/missing` and another failure `file/unreadable` (also a
 * FIFO, device or folder: only regular files are read), one larger than `maxDataFileBytes()`
 * `file/too-large`, placed at `place` (the YAML node naming the file, or the file itself).
 */
export async function readBytes(
  absPath: string,
  place: Place,
  diagnostics: Diagnostic[],
  expected: string,
  named = shown(absPath),
): Promise<Uint8Array | undefined> {
  try {
    const info = await stat(absPath);
    if (!info.isFile()) {
      diagnostics.push({ severity: 'error', ruleId: 'file/unreadable', message: `${quote(named)} n'est pas un fichier ordinaire (attendu : ${expected})`, place });
      return undefined;
    }
    if (info.size > maxDataFileBytes()) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'file/too-large',
        message: `fichier ${quote(named)} trop gros : ${sizeText(info.size)} (attendu : au plus ${sizeText(maxDataFileBytes())} ; ALSES_TAILLE_MAX_FICHIER_MO pour changer la limite, en Mio)`,
        place,
      });
      return undefined;
    }
    return await readFile(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    diagnostics.push({
      severity: 'error',
      ...(code === 'ENOENT'
        ? { ruleId: 'file/missing', message: `fichier ${quote(named)} introuvable : ${quote(shown(absPath))} n'existe pas (attendu : ${expected})` }
        : {
            ruleId: 'file/unreadable',
            message: `fichier ${quote(named)} illisible : ${quote(shown(absPath))} (${code ?? 'erreur inconnue'}) (attendu : ${expected})`,
          }),
      place,
    });
    return undefined;
  }
}

/** Folders never searched for unlisted files: hidden ones (.git…) and installed packages. */
const SKIPPED_FOLDERS = new Set(['node_modules']);

/**
 * `file/unlisted` (warning): a `.csv` file under the data folder that no `etats` or
 * `deploiements` entry names is not read — an état saved there but never declared leaves its
 * posts out of every report without a word. Hidden folders and `node_modules` are skipped.
 */
export async function checkUnlistedFiles(dir: string, named: ReadonlySet<string>, diagnostics: Diagnostic[]): Promise<void> {
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && path.extname(entry.name).toLowerCase() === '.csv' && !named.has(full)) {
        const file = shown(full);
        diagnostics.push({
          severity: 'warning',
          ruleId: 'file/unlisted',
          message: `Fichier ${guillemets(file)} non déclaré dans ${DISPOSITIF_FILE} : il n'est pas lu (attendu : une entrée etats ou deploiements qui le nomme)`,
          place: { file },
        });
      }
    }
  };
  await walk(dir);
}
