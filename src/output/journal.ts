/**
 * The journal of a publication (`<dossier>/.alses-journal.json`), and the repair of a publication
 * that was interrupted (process killed, machine stopped).
 *
 * A publication (transaction.ts) first writes every new file to a temporary file and keeps each
 * previous version aside (hard link), all flushed to disk; it then writes this journal (atomically,
 * flushed, folder flushed): that is its commit point. Only then are the temporary files renamed
 * over their targets; then the kept versions and the journal are removed. So, at any instant:
 * - no journal: nothing was replaced; temporary files and kept versions are debris, removed;
 * - a journal (phase `committing`): every new file is complete on disk (in its temporary file, or
 *   already renamed): the publication is rolled FORWARD — the remaining renames are done, then the
 *   debris removed. Should a new file be missing or not hold the bytes the journal records (disk
 *   damaged, file removed by hand), it is rolled BACK instead: the kept versions are put back and
 *   the files it created are removed.
 * Either way the folder then holds the whole previous set of files, or the whole new one,
 * manifest and its signature included. The repair runs under the folder's lock (lock.ts), at the
 * start of every command that takes it (render, monthly, import, verify, the server's reports).
 *
 * Debris are recognised by their names: `.<fichier>.<pid>.<8 hex>.tmp` and `.bak` (atomic.ts,
 * transaction.ts), and lock folders set aside, `.alses.lock.<pid>.<8 hex>.abandonne`; only those
 * of a process that no longer exists are removed (never those of a live run, such as `alses
 * signer` writing a PDF).
 */
import { constants } from 'node:fs';
import { access, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AlsesError } from '../errors.ts';
import { sha256 } from './manifest.ts';
import { removeQuietly, systemReason, writeAtomic } from './atomic.ts';
import { insideFolder } from '../dataset/rules/files.ts';
import { problemText, readRegularText } from './json.ts';
import { processGone } from './owner.ts';

/** File name of the journal, in the folder a publication writes to. */
export const JOURNAL_FILE = '.alses-journal.json';

const entrySchema = z.object({
  /** File replaced, relative to the journal's folder ("/" separators). */
  target: z.string(),
  /** Temporary file holding its new bytes (relative); null: the target is removed. */
  temp: z.string().nullable(),
  /** Its previous version kept aside (relative); null: there was none. */
  backup: z.string().nullable(),
  /** SHA-256 of the new bytes (hex); null for a removal. */
  sha256: z.string().nullable(),
});
const journalSchema = z.object({
  product: z.literal('alses-reports'),
  kind: z.literal('publication'),
  pid: z.number().int(),
  started: z.string(),
  phase: z.literal('committing'),
  entries: z.array(entrySchema),
});

/** One file of a publication, as the journal records it. */
export type JournalEntry = z.infer<typeof entrySchema>;

/** What a repair did. */
export interface Recovery {
  /** `forward`: the interrupted publication was completed; `back`: undone; undefined: no journal, only debris. */
  readonly direction?: 'forward' | 'back';
  /** Process id of the interrupted run, when a journal named it. */
  readonly pid?: number;
  /** Files of the journal. */
  readonly files: number;
  /** Temporary files, kept versions and lock folders removed. */
  readonly debris: number;
}

const DEBRIS = /^\.(.+)\.(\d+)\.([0-9a-f]{8})\.(tmp|bak|abandonne)$/;

/** Whether `name` is the name of a temporary file, kept version or lock set aside (see the module's comment). */
export const isDebrisName = (name: string): boolean => DEBRIS.test(name);

/** Flushes a folder's entries (renames, removals) to disk; ignored where folders cannot be flushed. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder (EINVAL): nothing more can be done there.
  } finally {
    await handle.close();
  }
}

/** Writes the journal of a publication into `root`, atomically and flushed (folder included): the commit point. */
export async function writeJournal(root: string, entries: readonly JournalEntry[]): Promise<void> {
  const journal = { product: 'alses-reports', kind: 'publication', pid: process.pid, started: new Date().toISOString(), phase: 'committing', entries };
  await writeAtomic(path.join(root, JOURNAL_FILE), new TextEncoder().encode(JSON.stringify(journal, null, 2) + '\n'));
  await fsyncDir(root);
}

/** Removes the journal of `root` once its publication is complete or undone, flushed. */
export async function removeJournal(root: string): Promise<void> {
  await unlink(path.join(root, JOURNAL_FILE)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fsyncDir(root);
}

/**
 * SHA-256 of a regular file, opened without following a symbolic link nor blocking on a FIFO
 * (a journal names files a hostile hand may have replaced by a link to /dev/zero or a FIFO);
 * undefined for anything else.
 */
const hashOf = async (file: string): Promise<string | undefined> => {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return (await handle.stat()).isFile() ? sha256(await handle.readFile()) : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
};

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

/** "1 fichier", "2 fichiers". */
const count = (n: number, one: string, many: string): string => `${n} ${n >= 2 ? many : one}`;

/**
 * Repairs what an interrupted publication left in `root` (see the module's comment): completes
 * or undoes the journal's publication, then removes the debris of processes that no longer
 * exist. Callers hold the folder's lock.
 * @returns what was done, or undefined when there was nothing to repair.
 * @throws AlsesError OUTPUT (French) when the journal is unreadable or a file cannot be renamed
 *   or removed; the journal is then left in place for the next attempt.
 */
export async function recoverInterrupted(root: string): Promise<Recovery | undefined> {
  const journalFile = path.join(root, JOURNAL_FILE);
  const read = await readRegularText(journalFile);
  let journal: z.infer<typeof journalSchema> | undefined;
  let direction: Recovery['direction'];
  if (read.problem !== 'absent') {
    const refused = (why: string) =>
      new AlsesError('OUTPUT', `Journal de publication « ${journalFile} » ${why} : la publication interrompue ne peut être ni achevée ni annulée, rien n'a été touché (attendu : le fichier JSON écrit par alses, qui ne nomme que des fichiers de ce dossier ; comparez le dossier avec « alses verify », puis supprimez ce fichier)`);
    if (read.problem !== undefined) throw refused(`illisible (${problemText(read)})`);
    try {
      journal = journalSchema.parse(JSON.parse(read.text));
    } catch {
      throw refused('illisible');
    }
    const outside = await entryOutside(root, journal.entries);
    if (outside !== undefined) throw refused(`refusé : il nomme « ${outside} », hors du dossier « ${root} » (chemin absolu, « .. », lien symbolique, ou fichier temporaire d'un autre nom)`);
    try {
      direction = await replay(root, journal.entries);
    } catch (err) {
      throw new AlsesError('OUTPUT', `Publication interrompue dans « ${root} » impossible à réparer : ${systemReason(err)} (journal « ${journalFile} » laissé en place ; la prochaine exécution réessaiera)`);
    }
  }
  const debris = await removeDebris(root, journal?.pid);
  if (journal) await removeJournal(root);
  if (!journal && debris === 0) return undefined;
  return { ...(direction ? { direction } : {}), ...(journal ? { pid: journal.pid } : {}), files: journal?.entries.length ?? 0, debris };
}

/**
 * The first path of `entries` that does not name a file of `root` or of one of its sub-folders
 * (absolute, with `..` or an empty part, through a symbolic link), or a temporary file or kept
 * version that is not a debris name beside its target; undefined when every path is in place.
 * A journal is only ever written by alses: one naming anything else is not followed (issue 12:
 * `verify` removed a file outside the folder that a forged journal named).
 */
async function entryOutside(root: string, entries: readonly JournalEntry[]): Promise<string | undefined> {
  const plain = (rel: string) => !rel.includes('\\') && !rel.includes('\0') && rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
  for (const e of entries) {
    if (!plain(e.target) || !(await insideFolder(root, path.join(root, path.dirname(e.target), '_')))) return e.target;
    for (const f of [e.temp, e.backup])
      if (f !== null && (!plain(f) || path.posix.dirname(f) !== path.posix.dirname(e.target) || !isDebrisName(path.posix.basename(f)))) return f;
  }
  return undefined;
}

/** Completes the journal's renames when every new file is whole, else puts every previous version back. */
async function replay(root: string, entries: readonly JournalEntry[]): Promise<'forward' | 'back'> {
  const at = (relative: string): string => path.join(root, ...relative.split('/'));
  const states = await Promise.all(
    entries.map(async (e) => ({ e, target: await hashOf(at(e.target)), temp: e.temp === null ? undefined : await hashOf(at(e.temp)) })),
  );
  const whole = states.every(({ e, target, temp }) => e.sha256 === null || temp === e.sha256 || target === e.sha256);
  if (whole) {
    for (const { e, temp } of states) {
      if (e.temp === null) await removeQuietly(at(e.target));
      else if (temp === e.sha256) await rename(at(e.temp), at(e.target));
    }
  } else {
    for (const { e, target } of states) {
      if (e.backup !== null && (await exists(at(e.backup)))) await rename(at(e.backup), at(e.target));
      else if (e.backup === null && e.sha256 !== null && target === e.sha256) await unlink(at(e.target));
    }
  }
  for (const dir of new Set(entries.map((e) => path.dirname(at(e.target))))) await fsyncDir(dir);
  // The temporary files and kept versions named by the journal: debris now, whoever's pid they carry.
  for (const e of entries) for (const f of [e.temp, e.backup]) if (f !== null) await removeQuietly(at(f));
  return whole ? 'forward' : 'back';
}

/** The debris in `root` and its sub-folders (two levels, hidden folders skipped), as paths. */
export async function findDebris(root: string, depth = 2): Promise<{ path: string; pid: number }[]> {
  const found: { path: string; pid: number }[] = [];
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const d of entries) {
    const match = DEBRIS.exec(d.name);
    if (match) found.push({ path: path.join(root, d.name), pid: Number(match[2]) });
    else if (d.isDirectory() && !d.name.startsWith('.') && depth > 0) found.push(...(await findDebris(path.join(root, d.name), depth - 1)));
  }
  return found;
}

/**
 * What an interrupted publication may have left in `root`: its journal and the debris (whatever
 * their process), as paths; empty when the folder is whole.
 */
export async function interruptedRemains(root: string): Promise<string[]> {
  const journal = path.join(root, JOURNAL_FILE);
  return [...((await exists(journal)) ? [journal] : []), ...(await findDebris(root)).map((d) => d.path)];
}

/** Removes the debris of processes that no longer exist (and of `interrupted`, the journal's run). @returns how many. */
async function removeDebris(root: string, interrupted: number | undefined): Promise<number> {
  let removed = 0;
  for (const d of await findDebris(root)) {
    if (d.pid !== interrupted && (d.pid === process.pid || !processGone(d.pid))) continue;
    await rm(d.path, { recursive: true, force: true });
    removed++;
  }
  if (removed) await fsyncDir(root);
  return removed;
}

/** One French sentence saying what `recoverInterrupted` did in `root`. */
export function describeRecovery(root: string, r: Recovery): string {
  const by = r.pid !== undefined ? ` (processus ${r.pid})` : '';
  const debris = r.debris ? ` ; ${count(r.debris, 'fichier temporaire ou sauvegarde supprimé', 'fichiers temporaires ou sauvegardes supprimés')}` : '';
  if (r.direction === 'forward') return `publication interrompue dans « ${root} »${by} achevée : ${count(r.files, 'fichier remplacé', 'fichiers remplacés')} comme prévu${debris}.`;
  if (r.direction === 'back') return `publication interrompue dans « ${root} »${by} annulée (un nouveau fichier manquait ou était altéré) : ${count(r.files, 'fichier remis dans sa version précédente', 'fichiers remis dans leur version précédente')}${debris}.`;
  return `restes d'une publication interrompue supprimés dans « ${root} »${debris}.`;
}
