/**
 * Replacing a set of files as one transaction, journaled (journal.ts) so that even a run killed
 * at any instant leaves, once the next command has repaired the folder, either every previous
 * file or every new one.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { AlsesError } from '../errors.ts';
import { commitTemp, compareWithDisk, removeQuietly, systemReason, writeTemp, type OutputFile } from './atomic.ts';
import { faultPoint } from './fault.ts';
import { fsyncDir, removeJournal, writeJournal, type JournalEntry } from './journal.ts';
import { sha256 } from './manifest.ts';
import { lockProblem, runState, stopMessage } from './run-state.ts';

/** One file the transaction changes: its new bytes in `temp` (none: removed), its previous version in `backup`. */
interface Pending {
  readonly target: string;
  readonly temp?: string;
  readonly sha256?: string;
  /** Whether the target exists, to be kept aside in `backup`. */
  readonly existed: boolean;
  backup?: string;
}

/**
 * Writes a set of files into `root` (or its sub-folders) as one transaction: after a failure
 * every target is as it was, and after a kill the next command that takes the folder's lock
 * completes it (journal.ts).
 * 1. every changed file is written to a temporary file, flushed (a failure removes them all);
 * 2. each previous version is kept aside (hard link, or copy);
 * 3. the journal listing them is written and flushed: the commit point. Before it, a SIGTERM
 *    or a lost lock abandons the transaction (nothing replaced);
 * 4. each temporary file is renamed over its target, each file of `options.remove` removed;
 *    should a rename fail (a file locked or made immutable meanwhile), the files already
 *    replaced get their previous version back, and new ones are removed;
 * 5. the folders are flushed, the kept versions and the journal removed.
 * A file whose bytes are already on disk is left untouched; a file to remove that is absent too.
 * Callers hold `root`'s lock (`withOutputLock`).
 * @returns each file's status, in the order of `files`: `written` (new or changed) or `unchanged`.
 * @throws AlsesError OUTPUT when a file cannot be written or the run was asked to stop (SIGTERM)
 *   before the commit point; LOCKED when the folder's lock was lost; in French, nothing replaced.
 */
export async function replaceAll(root: string, files: readonly OutputFile[], options: { readonly remove?: readonly string[] } = {}): Promise<('written' | 'unchanged')[]> {
  const statuses: ('written' | 'unchanged')[] = [];
  const pending: Pending[] = [];
  const cleanup = () => Promise.all(pending.flatMap((p) => [p.temp, p.backup].filter((f) => f !== undefined).map((f) => removeQuietly(f))));
  runState.phase = 'preparing';
  try {
    checkMayGoOn(root);
    for (const f of files) {
      if ((await stat(f.path).catch(() => undefined))?.isDirectory())
        throw new AlsesError('OUTPUT', `Écriture de « ${f.path} » impossible : un dossier porte déjà ce nom (attendu : un fichier, ou rien)`);
      const onDisk = await compareWithDisk(f.path, f.bytes);
      statuses.push(onDisk === 'same' ? 'unchanged' : 'written');
      if (onDisk === 'same') continue;
      pending.push({ target: f.path, temp: await writeTemp(f.path, f.bytes), sha256: sha256(f.bytes), existed: onDisk === 'different' });
      await faultPoint(`temp:${pending.length}`);
      checkMayGoOn(root);
    }
    for (const r of options.remove ?? []) if ((await stat(r).catch(() => undefined))?.isFile()) pending.push({ target: r, existed: true });
    let kept = 0;
    for (const p of pending) {
      if (!p.existed) continue;
      p.backup = await keepAside(p.target);
      await faultPoint(`backup:${++kept}`);
      checkMayGoOn(root);
    }
    if (pending.length === 0) {
      runState.phase = 'idle';
      return statuses;
    }
    for (const dir of new Set(pending.map((p) => path.dirname(p.target)))) await fsyncDir(dir);
    checkMayGoOn(root);
    await writeJournal(root, pending.map((p) => journalEntry(root, p)));
  } catch (err) {
    await cleanup();
    runState.phase = 'idle';
    throw err;
  }
  // Committed: from here on a SIGTERM lets the transaction finish.
  runState.phase = 'committing';
  try {
    await faultPoint('journal');
    await commit(root, pending);
    for (const dir of new Set(pending.map((p) => path.dirname(p.target)))) await fsyncDir(dir);
    await faultPoint('renamed');
    let removed = 0;
    for (const p of pending) {
      if (!p.backup) continue;
      await removeQuietly(p.backup);
      await faultPoint(`cleanup:${++removed}`);
    }
    await cleanup();
    await removeJournal(root);
    await faultPoint('done');
    return statuses;
  } finally {
    runState.phase = 'idle';
  }
}

/** Renames every temporary file over its target, removes the files to remove; on a failure, undoes what was done and the journal. */
async function commit(root: string, pending: readonly Pending[]): Promise<void> {
  for (const [i, p] of pending.entries()) {
    try {
      if (p.temp) await commitTemp(p.temp, p.target);
      else await removeQuietly(p.target);
      await faultPoint(`rename:${i + 1}`);
    } catch (err) {
      // Put back what was already replaced, newest first, so the folder is as before.
      for (const q of pending.slice(0, i).reverse()) {
        if (q.backup) await rename(q.backup, q.target).catch(() => undefined);
        else await removeQuietly(q.target);
      }
      await Promise.all(pending.flatMap((q) => [q.temp, q.backup].filter((f) => f !== undefined).map((f) => removeQuietly(f))));
      await removeJournal(root).catch(() => undefined);
      const message = err instanceof AlsesError ? err.message : String(err);
      throw new AlsesError('OUTPUT', `${message} ; aucun fichier n'a été remplacé.`);
    }
  }
}

/** The journal's record of `p`, paths relative to `root`. */
function journalEntry(root: string, p: Pending): JournalEntry {
  const rel = (f: string | undefined) => (f === undefined ? null : path.relative(root, f).split(path.sep).join('/'));
  return { target: rel(p.target)!, temp: rel(p.temp), backup: rel(p.backup), sha256: p.sha256 ?? null };
}

/**
 * @throws AlsesError OUTPUT when a stop was asked for (SIGTERM), LOCKED when the lock on `root`
 *   was lost: the transaction is abandoned before its commit point.
 */
function checkMayGoOn(root: string): void {
  if (runState.stopRequested) throw new AlsesError('OUTPUT', stopMessage(runState.stopRequested, root));
  const lost = lockProblem(path.resolve(root));
  if (lost) throw new AlsesError('LOCKED', `Publication dans « ${root} » abandonnée : ${lost} ; rien n'est remplacé (relancez la production).`);
}

/** Keeps the current version of `file` aside (hard link, or copy), for a rollback. */
async function keepAside(file: string): Promise<string> {
  const backup = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.bak`);
  try {
    await link(file, backup);
  } catch {
    try {
      await copyFile(file, backup);
    } catch (err) {
      throw new AlsesError('OUTPUT', `Sauvegarde de « ${file} » avant remplacement impossible : ${systemReason(err)}`);
    }
  }
  return backup;
}
