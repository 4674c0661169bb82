/**
 * Rules of the files of a data folder: a file dispositif.yaml names is missing (`file/missing`)
 * or unreadable (`file/unreadable`); a CSV file of the folder is named by no entry
 * (`file/unlisted`, warning).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { displayPath } from '../../diagnostics.ts';
import { DISPOSITIF_FILE } from '../schema.ts';
import { guillemets, quote } from '../text.ts';

const shown = displayPath;

/**
 * Reads a file; a missing one is `file/missing` and another failure `file/unreadable`, placed at
 * `place` (the YAML node naming the file, or the file itself).
 */
export async function readBytes(
  absPath: string,
  place: Place,
  diagnostics: Diagnostic[],
  expected: string,
  named = shown(absPath),
): Promise<Uint8Array | undefined> {
  try {
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
