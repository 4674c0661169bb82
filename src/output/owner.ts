/**
 * Who holds an output folder's lock: `<dossier>/.alses.lock/owner.json`, written by the run that
 * took the lock (process id, machine, boot, process start time, since when). A run that finds the
 * lock held by a process of this machine that no longer exists — no such pid, another boot, or a
 * pid reused by a process started at another time — takes the lock over at once, instead of
 * waiting for the lock to go stale.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** File name of the owner record, inside the lock folder. */
export const OWNER_FILE = 'owner.json';

const ownerSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  /** Linux: `/proc/sys/kernel/random/boot_id`, which changes at every boot. */
  bootId: z.string().optional(),
  /** Linux: start time of the process, in clock ticks after boot (`/proc/<pid>/stat`, field 22). */
  startTicks: z.number().int().nonnegative().optional(),
  /** When the lock was taken (ISO 8601, UTC). */
  since: z.string(),
  /** Random, tells two owners with the same pid apart. */
  token: z.string(),
});

/** The owner record of a lock. */
export type LockOwner = z.infer<typeof ownerSchema>;

/** Start time of process `pid` in clock ticks after boot (Linux), or undefined (no such process, or not Linux). */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22
    return Number.isInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The owner record of this process, taking a lock now. */
export function currentOwner(now: Date = new Date()): LockOwner {
  const boot = bootId();
  const ticks = processStartTicks(process.pid);
  return { pid: process.pid, hostname: hostname(), ...(boot ? { bootId: boot } : {}), ...(ticks !== undefined ? { startTicks: ticks } : {}), since: now.toISOString(), token: randomBytes(8).toString('hex') };
}

/** Largest owner record read, in bytes (one is about 200). */
const OWNER_MAX_BYTES = 64 * 1024;

/**
 * The owner record of the lock folder `lockPath`, or undefined (none yet, or unreadable). Only a
 * small regular file is read, without following a symbolic link nor blocking on a FIFO: anyone
 * who may write in the output folder could otherwise make every run hang on the lock (issue 12).
 */
export function readOwnerSync(lockPath: string): LockOwner | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path.join(lockPath, OWNER_FILE), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > OWNER_MAX_BYTES) return undefined;
    return ownerSchema.parse(JSON.parse(readFileSync(fd, 'utf8')));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `readOwnerSync`, for async callers. */
export const readOwner = async (lockPath: string): Promise<LockOwner | undefined> => readOwnerSync(lockPath);

/** The token of the owner record of the lock folder `lockPath`, read synchronously; undefined when there is none. */
export const ownerTokenSync = (lockPath: string): string | undefined => readOwnerSync(lockPath)?.token;

/** Whether no process of this machine has the id `pid` (`kill(pid, 0)` → ESRCH; EPERM: it exists, under another account). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Whether `owner` ran on this machine (only then can its process be looked for). */
export const isLocalOwner = (owner: LockOwner): boolean => owner.hostname === hostname();

/**
 * Whether the process that recorded `owner` is certainly gone: it ran on this machine and either
 * the machine rebooted since, or no process has its pid (`kill(pid, 0)` → ESRCH), or the process
 * with its pid started at another time (pid reused). False when it cannot be known (another
 * machine).
 */
export function ownerIsGone(owner: LockOwner): boolean {
  if (!isLocalOwner(owner)) return false;
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return true;
  if (processGone(owner.pid)) return true;
  if (owner.startTicks === undefined) return false;
  const ticks = processStartTicks(owner.pid);
  return ticks !== undefined && ticks !== owner.startTicks;
}

const SINCE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium' });

/** `processus 1234 sur la machine « serveur », depuis le 2 décembre 2026 à 08:15:03 (heure de Paris)`. */
export function describeOwner(owner: LockOwner): string {
  const since = new Date(owner.since);
  const when = Number.isNaN(since.getTime()) ? owner.since : `${SINCE.format(since)} (heure de Paris)`;
  return `processus ${owner.pid} sur la machine « ${owner.hostname} », depuis le ${when}`;
}
