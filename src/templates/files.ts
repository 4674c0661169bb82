/**
 * Reading template files (`templates/*.hbs`, `templates/partials/*.hbs`): only regular files
 * inside the templates folder, at most `maxDataFileBytes()` (issue 12: a template linked to a
 * file outside the folder, or a FIFO, was read or waited on forever). The SHA-256 of the bytes
 * read is recorded for the manifest.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { insideFolder, readBytes } from '../dataset/rules/files.ts';
import { displayPath, type Diagnostic } from '../diagnostics.ts';
import { sha256 } from '../output/manifest.ts';

/**
 * Reads the template or partial `file` of the templates folder `dir` as UTF-8.
 * @returns its text, or undefined with an error placed at the file (`template/outside` when it
 *   leads out of `dir`; `template/unreadable` for a folder named `x.hbs`; `file/unreadable`,
 *   `file/too-large` as `readBytes`).
 * @param hashes receives the SHA-256 of the bytes read, by path as shown in messages.
 */
export async function readTemplateFile(dir: string, file: string, diagnostics: Diagnostic[], hashes: Record<string, string>): Promise<string | undefined> {
  const shown = displayPath(file);
  if (!(await insideFolder(dir, file))) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/outside',
      message: `modèle « ${shown} » hors du dossier des modèles « ${displayPath(dir)} » (lien symbolique vers l'extérieur) : il n'est pas lu (attendu : un fichier .hbs du dossier lui-même)`,
      place: { file: shown },
    });
    return undefined;
  }
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/unreadable',
      message: `« ${shown} » est un dossier, pas un modèle (attendu : un fichier .hbs ; renommer ou déplacer ce dossier)`,
      place: { file: shown },
    });
    return undefined;
  }
  const bytes = await readBytes(path.resolve(file), { file: shown }, diagnostics, 'un fichier .hbs ordinaire du dossier des modèles', shown);
  if (!bytes) return undefined;
  hashes[shown] = sha256(bytes);
  return new TextDecoder().decode(bytes);
}
