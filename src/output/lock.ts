/**
 * The lock of an output folder: one run at a time writes its files and manifest.
 *
 * - The lock is proper-lockfile's folder `<dossier>/.alses.lock`, held by a worker thread
 *   (lock-keeper.ts) that keeps it fresh however long the main thread computes.
 * - Its owner (process, machine, boot, start time, since when) is recorded inside
 *   (`owner.json`, owner.ts). A lock whose owner is a process of this machine that no longer
 *   exists (killed, crashed, machine rebooted, pid reused) is taken over at once; any other lock
 *   is taken over only once stale: untouched for 60 s (`ALSES_VERROU_PERIME_MS`).
 * - Once the lock is taken, what an interrupted publication left (journal.ts) is repaired before
 *   anything else, so every command that takes the lock sees a whole folder.
 * - While the lock is held, SIGTERM does not kill the run in the middle of a publication: a
 *   publication not yet committed is abandoned (nothing replaced), a committed one is completed.
 */
import { constants } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { AlsesError } from '../errors.ts';
import { systemReason } from './atomic.ts';
import { faultPoint } from './fault.ts';
import { describeRecovery, interruptedRemains, recoverInterrupted } from './journal.ts';
import { LockKeeper } from './lock-keeper.ts';
import { currentOwner, describeOwner, isLocalOwner, ownerIsGone, ownerTokenSync, processGone, readOwner, type LockOwner } from './owner.ts';
import { registerHeldLock, runState, stopMessage } from './run-state.ts';

/** Name of the lock folder of an output folder (held while a run writes there). */
export const LOCK_FILE = '.alses.lock';

/** Environment variable overriding the stale time of a lock, in ms (tests; default 60 000, at least 2 000). */
export const STALE_VARIABLE = 'ALSES_VERROU_PERIME_MS';

/** Age in ms past which a lock not refreshed is held abandoned: `ALSES_VERROU_PERIME_MS`, else 60 s. */
export function staleMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[STALE_VARIABLE]);
  return Number.isInteger(value) && value > 0 ? Math.max(2000, value) : 60_000;
}

/** Whether `watchStop` made SIGTERM ask this process's run to stop from its start, not only under the lock. */
let watching = false;

/**
 * From now on, SIGTERM asks this process's run to stop instead of killing it: the run stops at
 * its next check (`checkStop`: once its data are read, while it waits for the lock, as it takes
 * it) with exit 3, its French message and its log line, nothing written; a publication already
 * committed is finished first. Before this, a SIGTERM while the data were read killed the run
 * with code 143, no message and no log line (hostile trial). Main thread only; called by
 * `render` and `monthly` as they start.
 */
export function watchStop(): void {
  if (watching || !isMainThread) return;
  watching = true;
  // A stop asked for while the program loaded, kept by bin/alses.mjs.
  const launcher = globalThis as { alsesEarlyStop?: NodeJS.Signals; alsesEarlyStopHandler?: (signal: NodeJS.Signals) => void };
  runState.stopRequested = launcher.alsesEarlyStop;
  process.on('SIGTERM', (signal: NodeJS.Signals) => {
    runState.stopRequested ??= signal;
  });
  if (launcher.alsesEarlyStopHandler) process.off('SIGTERM', launcher.alsesEarlyStopHandler);
}

/**
 * Stops the run here when a stop was asked for (`watchStop`).
 * @throws AlsesError OUTPUT, in French, saying nothing is replaced in `outDir` (`stopMessage`).
 */
export function checkStop(outDir: string): void {
  if (runState.stopRequested) throw new AlsesError('OUTPUT', stopMessage(runState.stopRequested, outDir));
}

/**
 * Runs `fn` while holding the output folder's lock, so that two runs never write the same
 * folder (files and manifest) at once. The folder is created if needed; a publication left
 * interrupted there (killed run) is first completed or undone (journal.ts), a note on stderr.
 * @param waitMs how long to wait for another run's lock (0: fail at once).
 * @param options.folder what the folder is, in messages: `sortie` (default) or `données`.
 * @throws AlsesError LOCKED when the lock is still held after `waitMs` (the message names its
 *   owner); OUTPUT at once (without waiting) when the folder cannot be created or written by
 *   this account, or an interrupted publication cannot be repaired.
 */
export async function withOutputLock<T>(outDir: string, waitMs: number, fn: () => Promise<T>, options: { readonly folder?: 'sortie' | 'données' } = {}): Promise<T> {
  const unusable = (err: unknown) =>
    new AlsesError('OUTPUT', `Dossier de ${options.folder ?? 'sortie'} « ${outDir} » inutilisable : ${systemReason(err)} (attendu : un dossier où écrire${options.folder === 'données' ? '' : ', voir --out'})`);
  try {
    await mkdir(outDir, { recursive: true });
    // A folder this account cannot write fails now, not after waiting `waitMs` for a lock it can never take.
    await access(outDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw unusable(err);
  }
  const lockPath = path.join(outDir, LOCK_FILE);
  if (!watching) runState.stopRequested = undefined;
  checkStop(outDir);
  const { keeper, owner } = await acquire(outDir, lockPath, waitMs, unusable);
  // Lost: proper-lockfile says so, or the lock folder no longer holds this run's owner record
  // (removed, or taken over): checked before anything is replaced, whatever the refresh timing.
  const unregister = registerHeldLock(path.resolve(outDir), () => lostLock(keeper.problem() ?? (ownerTokenSync(lockPath) === owner.token ? undefined : 'ENOENT')));
  const onTerm = (signal: NodeJS.Signals) => {
    runState.stopRequested ??= signal;
  };
  if (isMainThread) process.on('SIGTERM', onTerm);
  try {
    const recovery = await recoverInterrupted(outDir);
    if (recovery) process.stderr.write(`alses : ${describeRecovery(outDir, recovery)}\n`);
    await faultPoint('locked');
    const result = await fn();
    if (runState.stopRequested) process.stderr.write(`alses : arrêt demandé (${runState.stopRequested}) : la publication commencée a été achevée avant l'arrêt ; le dossier « ${outDir} » est entier.\n`);
    return result;
  } finally {
    unregister();
    await keeper.release(owner);
    if (isMainThread) process.off('SIGTERM', onTerm);
  }
}

/** Threads started ahead by `warmLockKeeper`, by resolved lock folder, until a run takes the lock with them. */
const warmKeepers = new Map<string, LockKeeper>();

/**
 * Starts now the thread that will take and hold `outDir`'s lock (lock-keeper.ts), so that it is up
 * when the run takes the lock (`withOutputLock`) instead of the run waiting for it then: a command
 * calls this as it starts, before loading its modules and reading its data. Takes no lock.
 * @returns a function to call once the run is over: it ends the thread if no lock was taken with it.
 */
export function warmLockKeeper(outDir: string): () => Promise<void> {
  const lockPath = path.join(outDir, LOCK_FILE);
  const key = path.resolve(lockPath);
  const keeper = new LockKeeper(outDir, lockPath, staleMs());
  const previous = warmKeepers.get(key);
  warmKeepers.set(key, keeper);
  void previous?.close();
  return async () => {
    if (warmKeepers.get(key) !== keeper) return;
    warmKeepers.delete(key);
    await keeper.close();
  };
}

/** The thread started ahead for `lockPath` (`warmLockKeeper`), taken once; or a new one. */
function keeperFor(outDir: string, lockPath: string): LockKeeper {
  const key = path.resolve(lockPath);
  const warm = warmKeepers.get(key);
  warmKeepers.delete(key);
  return warm ?? new LockKeeper(outDir, lockPath, staleMs());
}

/**
 * Repairs `dir` when an interrupted publication left anything there (journal or debris,
 * journal.ts, or the lock of a process that no longer exists), under the folder's lock (a note
 * on stderr says what was done); without such remains, does nothing (no lock taken). For commands that read a folder before writing to it.
 * @throws AlsesError LOCKED when another run holds the folder; OUTPUT as `withOutputLock`.
 */
export async function repairFolder(dir: string, options: { readonly folder?: 'sortie' | 'données' } = {}): Promise<void> {
  const owner = await readOwner(path.join(dir, LOCK_FILE));
  if ((await interruptedRemains(dir)).length === 0 && !(owner && ownerIsGone(owner))) return;
  await withOutputLock(dir, 0, async () => undefined, options);
}

/**
 * For `alses verify`: repairs `dir` like `repairFolder`; when that is not possible (a folder
 * this account may only read, or another run writing there), lists what an interrupted
 * publication left instead, for verify to report.
 * @returns the remains left (absolute paths) and, then, why they were not repaired (French).
 */
export async function repairOrList(dir: string): Promise<{ remains: string[]; reason?: string }> {
  try {
    await repairFolder(dir);
    return { remains: [] };
  } catch (err) {
    if (!(err instanceof AlsesError)) throw err;
    return { remains: await interruptedRemains(dir), reason: err.message };
  }
}

/** French reason of a lost lock, from proper-lockfile's. */
function lostLock(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const cause = /ENOENT|no such file/i.test(reason) ? 'son dossier a été supprimé' : "il n'a pas pu être rafraîchi à temps";
  return `le verrou du dossier a été perdu pendant la production (${cause}) : une autre production a pu le prendre`;
}

/**
 * Takes the lock, taking over at once a lock whose owner is gone, waiting up to `waitMs` for
 * any other.
 * @throws AlsesError LOCKED or OUTPUT as `withOutputLock`.
 */
async function acquire(outDir: string, lockPath: string, waitMs: number, unusable: (err: unknown) => AlsesError): Promise<{ keeper: LockKeeper; owner: LockOwner }> {
  const keeper = keeperFor(outDir, lockPath);
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const owner = currentOwner();
      const attempt = await keeper.tryLock(owner);
      if (attempt.ok) return { keeper, owner };
      if (attempt.code !== 'ELOCKED' && attempt.code !== 'ENOTEMPTY') throw unusable(Object.assign(new Error(attempt.message), { code: attempt.code }));
      const holder = await readOwner(lockPath);
      // ENOTEMPTY: proper-lockfile found the lock stale (not refreshed) but could not remove it,
      // as it holds the owner record. A live owner of this machine is never taken over.
      const abandoned = holder ? ownerIsGone(holder) || (attempt.code === 'ENOTEMPTY' && !isLocalOwner(holder)) : attempt.code === 'ENOTEMPTY' || (await ownerNeverRecorded(lockPath));
      if (abandoned && (await takeOver(lockPath, holder))) continue;
      // A stop asked for while waiting (--wait 600): now, not when the wait ends.
      checkStop(outDir);
      if (Date.now() >= deadline) {
        const who = holder ? ` : ${describeOwner(holder)}` : '';
        throw new AlsesError('LOCKED', `Une autre production est en cours dans « ${outDir} »${who} (verrou ${lockPath}) ; réessayez plus tard.`);
      }
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())));
    }
  } catch (err) {
    await keeper.close();
    throw err;
  }
}

/** How long a lock folder may stay without its owner record before it is held abandoned, in ms (its record is written within milliseconds). */
const OWNER_RECORD_GRACE_MS = 5000;

/**
 * Whether the lock folder `lockPath` was left by a run killed between creating it and recording
 * its owner: it holds nothing but the owner record's temporary files (`owner.json.<pid>.tmp`) of
 * processes that no longer exist, and, when it holds nothing at all, was created more than
 * `OWNER_RECORD_GRACE_MS` ago. Such a lock was taken over only once stale (60 s): every run
 * meanwhile stopped with exit 4 naming no owner.
 */
async function ownerNeverRecorded(lockPath: string): Promise<boolean> {
  const names = await readdir(lockPath).catch(() => undefined);
  if (names === undefined) return false;
  if (names.length === 0) {
    const info = await stat(lockPath).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > OWNER_RECORD_GRACE_MS;
  }
  return names.every((name) => {
    const pid = /^owner\.json\.(\d+)\.tmp$/.exec(name)?.[1];
    return pid !== undefined && processGone(Number(pid));
  });
}

/**
 * Removes an abandoned lock whose owner record is `owner`: the lock folder is first renamed
 * aside (only one run can do so), then removed if it is still that owner's; if another run took
 * the lock meanwhile, it is put back.
 * @returns whether the lock was removed.
 */
async function takeOver(lockPath: string, owner: LockOwner | undefined): Promise<boolean> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.abandonne`;
  try {
    await rename(lockPath, aside);
  } catch {
    return false; // removed or taken over by another run meanwhile: try again
  }
  const found = await readOwner(aside);
  if (found?.token !== owner?.token) {
    await rename(aside, lockPath).catch(() => undefined);
    return false;
  }
  // The lock is free once renamed aside; a folder left by another account that this one may not
  // empty (made before locks were shared with the folder's group) stays aside, harmless.
  await rm(aside, { recursive: true, force: true }).catch(() => undefined);
  return true;
}

