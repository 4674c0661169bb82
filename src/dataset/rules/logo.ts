/**
 * The collectivité's logo (`collectivite.logo` of dispositif.yaml): a PNG file inside the data
 * folder, read once with the dataset so that every document's letterhead shows the same bytes.
 */
import path from 'node:path';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { Logo } from '../model.ts';
import { quote } from '../text.ts';
import { insideFolder, readBytes } from './files.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height in pixels of a PNG file (its IHDR chunk), or undefined when it is not one. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * Reads the logo `file` (relative to the data folder `dir`).
 * @returns the logo, or undefined with an error placed at `place` (the `logo:` line): the path
 *   leaves the data folder, as written or through a symbolic link (`logo/outside`), the file is missing or unreadable (`file/missing`,
 *   `file/unreadable`), or it is not a PNG image (`logo/image`).
 */
export async function readLogo(dir: string, file: string, place: Place, diagnostics: Diagnostic[]): Promise<Logo | undefined> {
  const absPath = path.resolve(dir, file);
  // Links resolved too: a logo linked to a file outside the data folder is not read (issue 12).
  if (path.isAbsolute(file) || !(await insideFolder(dir, absPath))) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'logo/outside',
      message: `logo ${quote(file)} hors du dossier de données (attendu : un chemin relatif au dossier de dispositif.yaml, ex. logo.png)`,
      place,
      actual: file,
    });
    return undefined;
  }
  const bytes = await readBytes(absPath, place, diagnostics, 'une image PNG dans le dossier de données, ex. logo.png', file);
  if (!bytes) return undefined;
  const size = pngSize(bytes);
  if (!size) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'logo/image',
      message: `logo ${quote(file)} illisible : ce n'est pas une image PNG (attendu : un fichier .png ; enregistrer le logo au format PNG)`,
      place,
      actual: file,
    });
    return undefined;
  }
  return { data: new Uint8Array(bytes), ...size };
}
