/**
 * Where a command may write (issue 12: nothing outside the folders it was given).
 * - An output folder (`--out`) or an import target (`--to`) is never `/`, the user's home (or a
 *   folder containing it), nor for `--out` the data or templates folder or a folder containing
 *   them: a mistyped option would otherwise scatter documents, a manifest and a lock among them.
 * - Every file a command writes into a folder resolves inside it: a symbolic link inside the
 *   folder (a linked sub-folder, a linked file) that leads out of it is refused, nothing written.
 */
import { homedir } from 'node:os';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { isWorkbookPath } from '../dataset/workbook-path.ts';
import { insideFolder, resolveExisting } from '../dataset/rules/files.ts';
import { displayPath } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';

/** `a` is `b` or a folder containing it. */
const containsOrIs = (a: string, b: string): boolean => {
  const rel = path.relative(a, b);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** A folder a command must not write into, and how to name it in French. */
export interface ProtectedFolder {
  readonly path: string;
  /** E.g. « le dossier des données (--data) ». */
  readonly label: string;
}

/**
 * The user's home folder, links resolved; none for an account without one: no HOME and no
 * entry in /etc/passwd (a uid given by `docker --user` or Kubernetes' `runAsUser`), where
 * `os.homedir()` throws ENOENT.
 */
async function userHome(): Promise<string | undefined> {
  let home: string;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  return resolveExisting(home);
}

/**
 * Refuses a folder to write into that is `/`, the user's home or a folder containing it, or one
 * of `protect` or a folder containing it (links resolved).
 * @param option the option that named it, e.g. `--out`, for the message.
 * @throws AlsesError USAGE (exit 2), in French, naming the folder and why.
 */
export async function checkWritableFolder(folder: string, option: string, protect: readonly ProtectedFolder[] = []): Promise<void> {
  const real = await resolveExisting(folder);
  const home = await userHome();
  const why =
    real === path.parse(real).root
      ? "c'est la racine du système"
      : home !== undefined && containsOrIs(real, home)
        ? real === home
          ? "c'est votre dossier personnel"
          : 'il contient votre dossier personnel'
        : await (async () => {
            for (const p of protect) {
              const other = await resolveExisting(p.path);
              if (containsOrIs(real, other)) return real === other ? `c'est ${p.label}` : `il contient ${p.label}`;
            }
            return undefined;
          })();
  if (why === undefined) return;
  throw new AlsesError(
    'USAGE',
    `Dossier « ${folder} » refusé pour ${option} : ${why} (attendu : un dossier à part, ex. ${option} ${option === '--to' ? 'data' : 'out'} ; ni /, ni votre dossier personnel${protect.length ? ', ni le dossier des données ou des modèles, ni un dossier qui les contient' : ''})`,
  );
}

/** The folders `--out` must not be: the data folder (or the workbook's) and the templates folder. */
export function inputFolders(data: string, templates: string): ProtectedFolder[] {
  const dataFolder = isWorkbookPath(data) ? path.dirname(data) : data;
  return [
    { path: dataFolder, label: `le dossier des données « ${displayPath(path.resolve(dataFolder))} » (--data)` },
    { path: templates, label: `le dossier des modèles « ${displayPath(path.resolve(templates))} » (--templates)` },
  ];
}

/**
 * Checks that every file of `files` resolves inside `folder` (no symbolic link, file or
 * sub-folder, leading out of it) and is not itself a symbolic link, a FIFO or a device (it
 * would be read to show what changes).
 * @throws AlsesError OUTPUT (exit 3) naming the first file concerned and the link; nothing has
 *   been written.
 */
export async function checkWritesInside(folder: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const st = await lstat(file).catch(() => undefined);
    if (st && !st.isFile() && !st.isDirectory() && !st.isSymbolicLink())
      throw new AlsesError('OUTPUT', `Écriture de « ${displayPath(file)} » refusée : ce n'est pas un fichier ordinaire (tube, périphérique ou socket) (attendu : un fichier, ou rien) ; aucun fichier n'a été écrit.`);
    const isLink = st?.isSymbolicLink() === true;
    if (isLink || !(await insideFolder(folder, file)))
      throw new AlsesError(
        'OUTPUT',
        `Écriture de « ${displayPath(file)} » refusée : ${isLink ? 'ce fichier est un lien symbolique' : 'le chemin passe par un lien symbolique qui sort'} du dossier « ${displayPath(path.resolve(folder))} » (attendu : des fichiers et sous-dossiers ordinaires dans ce dossier ; remplacez le lien par un vrai dossier) ; aucun fichier n'a été écrit.`,
      );
  }
}
