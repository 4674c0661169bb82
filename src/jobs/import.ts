/**
 * The import job (`alses import`): reads a workbook (or CSV files as Excel exports them),
 * validates everything, compares what it would write with the data folder, and only then writes
 * the canonical files (`dispositif.yaml` and one CSV per état and déploiement; README, "Classeur
 * Excel").
 *
 * - A workbook lies over the destination folder: it needs sheets only for what changed; the
 *   other états and déploiements are the folder's, and dispositif.yaml is the folder's when none
 *   is beside the workbook (`LoadOptions.base`).
 * - Each file is compared with the folder first (`ImportPlan`): new, changed (rows added, removed,
 *   changed) or unchanged. A change to an existing file needs `overwrite` (`--ecraser`); without
 *   it nothing is written. New files alone are written without it (they replace nothing).
 * - The files are written as one transaction (`replaceAll`), under the folder's lock: all of them,
 *   or none, even when the import is killed (the next command completes it). The previous
 *   version of each replaced file is first copied to `<to>/.sauvegardes/<date-heure>/`.
 * Nothing is written on any error in the data.
 */
import { access, copyFile, lstat, mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { canonicalCsv, canonicalFiles, type CanonicalFile } from '../dataset/canonical.ts';
import { etatAu, newEtatRows } from '../dataset/compute.ts';
import type { Dataset, IsoDate } from '../dataset/model.ts';
import { formatShortDate } from '../dates.ts';
import { allAdded, countRows, diffCsv, type CsvDiff } from '../dataset/csv-diff.ts';
import { isWorkbookPath, type LoadOptions } from '../dataset/load.ts';
import { DISPOSITIF_FILE } from '../dataset/schema.ts';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { compareWithDisk, systemReason } from '../output/atomic.ts';
import { checkWritesInside } from '../output/confine.ts';
import { faultPoint } from '../output/fault.ts';
import { sha256 } from '../output/manifest.ts';
import { repairFolder, withOutputLock } from '../output/lock.ts';
import { replaceAll } from '../output/transaction.ts';

/** Folder of the destination where replaced files are kept, one sub-folder per import. */
export const BACKUP_FOLDER = '.sauvegardes';

/** What an import would do to one file of the destination folder. */
export interface PlannedFile {
  /** Absolute path. */
  readonly path: string;
  /** Path relative to the destination folder, with "/" (as dispositif.yaml names files). */
  readonly relative: string;
  /**
   * `new`: no such file yet; `changed`: its bytes would change; `unchanged`: identical bytes;
   * `kept`: the workbook has no sheet for it, the folder's file is left as it is.
   */
  readonly status: 'new' | 'changed' | 'unchanged' | 'kept';
  /** For an état or déploiement CSV: its number of rows (collèges); absent for dispositif.yaml and the logo. */
  readonly rows?: number;
  /**
   * For a changed CSV: the collèges added, removed and changed; for a new déploiement, each of its
   * collèges (added); for a new état, the same against
   * the état computed on its date from the other data (`computedFrom` says which).
   */
  readonly diff?: CsvDiff;
  /** For a new état compared with the état computed on its date: the date, and what it is computed from, in French. */
  readonly computedFrom?: { readonly date: string; readonly from: string };
  /**
   * For a changed dispositif.yaml: what changes, one French line each — the entries the workbook
   * adds, or else the lines removed (−) and added (+).
   */
  readonly changes?: readonly string[];
}

/** The outcome of `runImport`. */
export interface ImportResult {
  readonly diagnostics: Diagnostic[];
  /** Every file the import concerns, in writing order; absent when the data has errors. */
  readonly plan?: readonly PlannedFile[];
  /**
   * `written`: the new and changed files were written; `unchanged`: every file was already as
   * imported; `refused`: existing files would change and `overwrite` was not given — nothing
   * written. Absent when the data has errors (nothing written).
   */
  readonly status?: 'written' | 'unchanged' | 'refused';
  /** The folder holding the previous version of each replaced file, when there was one. */
  readonly backup?: string;
}

/** Options of `runImport`. */
export interface ImportOptions extends Pick<LoadOptions, 'dispositif'> {
  /** Replace existing files that change (`--ecraser`). */
  readonly overwrite?: boolean;
  /** The time of the import, naming the backup folder (default: now). */
  readonly now?: Date;
  /**
   * Run under the folder's lock, before anything is written: throws (an AlsesError) to write
   * nothing. The web page checks there that data/ is still what its page showed.
   */
  readonly underLock?: () => Promise<void>;
}

/**
 * What importing `source` into `to` would write, and how each file compares with `to`, without
 * writing anything (`alses import` shows it first; the web page before « Enregistrer »).
 * @returns no plan when the data has errors.
 * @throws AlsesError OUTPUT when a file to write would resolve outside `to` through a symbolic link.
 */
export async function planImport(
  source: string,
  to: string,
  options: Pick<ImportOptions, 'dispositif'> = {},
): Promise<{ diagnostics: Diagnostic[]; plan?: PlannedFile[]; files: CanonicalFile[]; written: PlannedFile[] }> {
  const load: LoadOptions = { ...(options.dispositif !== undefined ? { dispositif: options.dispositif } : {}), ...(isWorkbookPath(source) ? { base: to } : {}) };
  const { files, kept = [], diagnostics, dispositif, dataset } = await canonicalFiles(source, to, load);
  if (hasErrors(diagnostics)) return { diagnostics, files: [], written: [] };
  const target = path.resolve(to);
  // Every file written (and read to show what changes) lies in the target, links resolved (issue 12).
  await checkWritesInside(target, files.map((f) => f.path));
  // The workbook's additions are the whole change when the dispositif.yaml it was read with is the
  // target's, or a copy of it (the web page's workspace holds a copy of data/).
  const targetYaml = path.join(target, DISPOSITIF_FILE);
  const fromTarget =
    dispositif !== undefined && (dispositif.path === targetYaml || (await readFile(targetYaml).then((bytes) => sha256(bytes) === dispositif.readSha256, () => false)));
  const written = await Promise.all(files.map((f) => planFile(f, target, fromTarget ? (dispositif?.added ?? []) : undefined, dataset)));
  const plan = [...written, ...kept.map((k): PlannedFile => ({ path: k.path, relative: relativeTo(target, k.path), status: 'kept', rows: k.rows }))];
  return { diagnostics, plan, files, written };
}

/**
 * Imports `source` (a workbook, or a folder of CSV files) into the data folder `to`.
 * @throws AlsesError OUTPUT when the files cannot be written, or when one of them (or the backup
 *   folder) would resolve outside `to` through a symbolic link (then nothing is written); after
 *   a failure every file of `to` is as it was (and no backup is left).
 */
export async function runImport(source: string, to: string, options: ImportOptions = {}): Promise<ImportResult> {
  // An import killed while writing into `to` is completed first, so that this one compares with whole files.
  await repairFolder(to, { folder: 'données' });
  const planned = await planImport(source, to, options);
  if (!planned.plan) return { diagnostics: planned.diagnostics };
  const { diagnostics, plan, files, written } = planned;
  const target = path.resolve(to);
  const changed = plan.filter((p) => p.status === 'changed');
  if (changed.length > 0 && !options.overwrite) return { diagnostics, plan, status: 'refused' };
  if (!written.some((p) => p.status !== 'unchanged')) return { diagnostics, plan, status: 'unchanged' };

  if (changed.length > 0) await checkWritesInside(target, [path.join(target, BACKUP_FOLDER, 'sauvegarde')]);
  await faultPoint('planned');
  const backup = await withOutputLock(
    target,
    0,
    async () => {
      await checkUnchangedSincePlan(target, files, written);
      await options.underLock?.();
      const kept = changed.length > 0 ? await backUp(target, changed, options.now ?? new Date()) : undefined;
      try {
        await replaceAll(target, files);
      } catch (err) {
        if (kept) await dropBackup(kept);
        throw err;
      }
      return kept;
    },
    { folder: 'données' },
  );
  return { diagnostics, plan, status: 'written', ...(backup ? { backup } : {}) };
}

/**
 * Checks, under the folder's lock, that each file is still as `plan` found it before the lock was
 * taken: another import (or `etat`, the server) may have written it meanwhile, and this one would
 * then replace it without --ecraser and without keeping its version.
 * @throws AlsesError LOCKED (French, naming the file) when one changed; nothing is written.
 */
async function checkUnchangedSincePlan(target: string, files: readonly CanonicalFile[], plan: readonly PlannedFile[]): Promise<void> {
  const words = { new: 'absent', unchanged: 'identique', changed: 'différent' } as const;
  for (const [i, file] of files.entries()) {
    const now = await diskStatus(file);
    const before = plan[i]!.status as keyof typeof words;
    if (now !== before)
      throw new AlsesError(
        'LOCKED',
        `Le dossier « ${target} » a changé pendant l'importation : « ${plan[i]!.relative} » était ${words[before]}, il est maintenant ${words[now]} (une autre importation y a écrit) ; aucun fichier n'a été écrit. Relancez l'importation pour voir ce qui change.`,
      );
  }
}

/** How `file` compares with what is on disk at its path: absent there, identical, or different. */
async function diskStatus(file: CanonicalFile): Promise<'new' | 'unchanged' | 'changed'> {
  const onDisk = await compareWithDisk(file.path, file.bytes);
  return onDisk === 'absent' ? 'new' : onDisk === 'same' ? 'unchanged' : 'changed';
}

/**
 * Compares one file to write with the destination folder.
 * @param added the entries the workbook added to dispositif.yaml, when it was read from `target`
 *   (then they are the whole change); `undefined` when it came from elsewhere.
 */
async function planFile(file: CanonicalFile, target: string, added: readonly string[] | undefined, dataset: Dataset | undefined): Promise<PlannedFile> {
  const relative = relativeTo(target, file.path);
  const status = await diskStatus(file);
  if (file.copied) return { path: file.path, relative, status };
  const text = new TextDecoder().decode(file.bytes);
  if (relative === DISPOSITIF_FILE) {
    if (status !== 'changed') return { path: file.path, relative, status };
    const before = await readFile(file.path, 'utf8');
    return { path: file.path, relative, status, changes: added !== undefined && added.length > 0 ? added.map((a) => `+ ${a}`) : lineChanges(before, text) };
  }
  const rows = countRows(text);
  if (status === 'new' && file.kind === 'etat' && file.date !== undefined && dataset) return { path: file.path, relative, status, rows, ...againstComputed(dataset, file.date, text) };
  // A new déploiement: its collèges, each added.
  if (status === 'new' && file.kind === 'deploiement') return { path: file.path, relative, status, rows, diff: allAdded(text) };
  if (status !== 'changed' || file.kind === undefined) return { path: file.path, relative, status, rows };
  // The file replaced, read as the product reads data (any CSV Excel writes); unreadable, or not
  // a regular file (a link, a FIFO: never opened), no comparison.
  const regular = await lstat(file.path).then((s) => s.isFile(), () => false);
  const diff = regular ? diffCsv(await readFile(file.path), text, file.kind) : undefined;
  return { path: file.path, relative, status, rows, ...(diff ? { diff } : {}) };
}

/**
 * A new état against the état computed on its date from the other états and the déploiements
 * (what `alses etat` and `alses classeur` start from): the collèges the staff added, removed
 * and changed. None when no other état comes before it.
 */
function againstComputed(dataset: Dataset, date: IsoDate, text: string): Pick<PlannedFile, 'diff' | 'computedFrom'> {
  const others: Dataset = { ...dataset, etats: dataset.etats.filter((e) => e.date !== date) };
  if (!others.etats.some((e) => e.date <= date)) return {};
  const state = etatAu(others, date);
  const from = [`l'état du ${formatShortDate(state.etatDate)}`, ...state.deploiements.map((d) => d.libelle)].join(' et ');
  const diff = diffCsv(new TextEncoder().encode(canonicalCsv('etat', newEtatRows(state))), text, 'etat');
  return diff ? { diff, computedFrom: { date, from } } : {};
}

/** A path relative to the destination folder, with "/". */
const relativeTo = (target: string, file: string): string => path.relative(target, file).split(path.sep).join('/');

/** The lines only in `before` ("− …") and only in `after` ("+ …"), in order (longest common subsequence). */
function lineChanges(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push(`+ ${b[j++]}`);
    else out.push(`− ${a[i++]}`);
  }
  return out;
}

/** Removes a backup folder of an import that wrote nothing, and `.sauvegardes/` if it is left empty. */
async function dropBackup(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  await rmdir(path.dirname(folder)).catch(() => undefined);
}

/**
 * Copies the current version of each file about to be replaced to
 * `<target>/.sauvegardes/<AAAA-MM-JJ_HH-MM-SS>/<relative path>` (time of Paris).
 * @returns the backup folder.
 * @throws AlsesError OUTPUT when a copy fails (then nothing is replaced, and no backup is left).
 */
async function backUp(target: string, files: readonly PlannedFile[], now: Date): Promise<string> {
  const stamp = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' }).format(now).replace(' ', '_').replaceAll(':', '-');
  let folder = path.join(target, BACKUP_FOLDER, stamp);
  for (let n = 2; await access(folder).then(() => true, () => false); n++) folder = path.join(target, BACKUP_FOLDER, `${stamp}-${n}`);
  try {
    for (const f of files) {
      const copy = path.join(folder, f.relative);
      await mkdir(path.dirname(copy), { recursive: true });
      await copyFile(f.path, copy);
    }
  } catch (err) {
    await dropBackup(folder);
    throw new AlsesError('OUTPUT', `Sauvegarde des fichiers remplacés dans « ${folder} » impossible : ${systemReason(err)} ; aucun fichier n'a été remplacé.`);
  }
  return folder;
}
