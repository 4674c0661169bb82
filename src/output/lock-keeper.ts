/**
 * The thread that holds an output folder's lock. proper-lockfile keeps a lock fresh by touching
 * its folder (mtime) on a timer; on the main thread that timer only fires when the event loop is
 * free, and a long computation (a monthly report on a large état: 100 s and more) let the lock go
 * stale, another run take it, and this run die with ECOMPROMISED. Here proper-lockfile runs in a
 * small worker thread of its own, whose event loop the main thread's work never blocks: the lock
 * stays fresh however long the main thread computes. Should the lock still be lost (its folder
 * removed, the machine suspended past the stale time), the worker raises a flag in shared memory
 * that the main thread reads before publishing anything (`problem()`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { OWNER_FILE, type LockOwner } from './owner.ts';

/** What the worker answers to a request. */
type Reply = { type: 'locked' } | { type: 'released' } | { type: 'error'; code?: string; message: string } | { type: 'compromised'; message: string };

// CommonJS, evaluated as the worker's code (no file to find in src/ or dist/). Messages:
// `{ type: 'lock', owner }` and `{ type: 'release', token }`. The owner record is written inside
// the lock folder here, and the folder's mtime put back as proper-lockfile set it: writing a file
// in a folder changes its mtime, which proper-lockfile would take for another run touching its lock.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs/promises');
const path = require('node:path');
const lockfile = require(workerData.lockfileModule);
const flag = new Int32Array(workerData.flag);
const ownerFile = path.join(workerData.lockPath, workerData.ownerFile);
let release;
parentPort.on('message', async (m) => {
  if (m.type === 'lock') {
    try {
      release = await lockfile.lock(workerData.dir, {
        lockfilePath: workerData.lockPath, stale: workerData.staleMs, update: workerData.updateMs, retries: 0, realpath: false,
        onCompromised: (err) => { Atomics.store(flag, 0, 1); parentPort.postMessage({ type: 'compromised', message: String(err && err.message) }); },
      });
      const temp = ownerFile + '.' + process.pid + '.tmp';
      try {
        const before = await fs.stat(workerData.lockPath);
        const handle = await fs.open(temp, 'wx');
        try { await handle.writeFile(m.owner); await handle.sync(); } finally { await handle.close(); }
        await fs.rename(temp, ownerFile);
        // The group of the output folder gets the same rights on the lock folder: in a folder
        // shared by two accounts (the monthly job and the web page), either can then remove a
        // lock the other left when killed (umask 022 made it 0755: EACCES for the other).
        const parentMode = (await fs.stat(workerData.dir)).mode;
        if ((parentMode & 0o020) !== 0) await fs.chmod(workerData.lockPath, (before.mode & 0o7777) | (parentMode & 0o070));
        await fs.utimes(workerData.lockPath, before.atime, before.mtime);
      } catch (err) {
        // The owner record could not be written (disk full…): the lock is given up, not left behind.
        await fs.unlink(temp).catch(() => {});
        try { await release(); } catch {}
        release = undefined;
        await fs.rmdir(workerData.lockPath).catch(() => {});
        throw err;
      }
      parentPort.postMessage({ type: 'locked' });
    } catch (err) {
      parentPort.postMessage({ type: 'error', code: err && err.code, message: String(err && err.message) });
    }
  } else if (m.type === 'release') {
    // proper-lockfile stops refreshing, then fails to remove the folder (it holds the owner record).
    try { if (release) await release(); } catch {}
    release = undefined;
    if (Atomics.load(flag, 0) === 0) {
      try {
        // Not followed, not blocking: a link or FIFO put there by another hand is not this run's record.
        const handle = await fs.open(ownerFile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
        let owner;
        try { owner = (await handle.stat()).isFile() ? JSON.parse(await handle.readFile('utf8')) : undefined; } finally { await handle.close(); }
        if (owner && owner.token === m.token) { await fs.unlink(ownerFile); await fs.rmdir(workerData.lockPath); }
      } catch {}
    }
    parentPort.postMessage({ type: 'released' });
  }
});`;

/** A worker thread taking and holding one lock folder with proper-lockfile. */
export class LockKeeper {
  readonly #worker: Worker;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  #compromise: string | undefined;
  #pending: ((reply: Reply) => void) | undefined;

  /**
   * @param dir the folder locked; `lockPath` the lock folder; `staleMs` the age (ms) past which
   *   proper-lockfile holds a lock abandoned; it is touched every `staleMs / 4` ms (at most 10 s).
   */
  constructor(dir: string, lockPath: string, staleMs: number) {
    const lockfileModule = createRequire(import.meta.url).resolve('proper-lockfile');
    const updateMs = Math.max(1000, Math.min(10_000, Math.floor(staleMs / 4)));
    this.#worker = new Worker(WORKER_CODE, { eval: true, workerData: { lockfileModule, flag: this.#flag.buffer, dir, lockPath, staleMs, updateMs, ownerFile: OWNER_FILE } });
    this.#worker.on('message', (reply: Reply) => {
      if (reply.type === 'compromised') this.#compromise = reply.message;
      else this.#pending?.(reply);
    });
    this.#worker.on('error', (err) => this.#pending?.({ type: 'error', message: err.message }));
    this.#worker.on('exit', () => this.#pending?.({ type: 'error', message: 'lock thread ended' }));
    // The worker must not keep a finished process alive; it is ref'ed only while a request waits.
    this.#worker.unref();
  }

  #request(message: { type: 'lock'; owner: string } | { type: 'release'; token: string }): Promise<Reply> {
    return new Promise((resolve) => {
      this.#worker.ref();
      this.#pending = (reply) => {
        this.#pending = undefined;
        this.#worker.unref();
        resolve(reply);
      };
      this.#worker.postMessage(message);
    });
  }

  /**
   * Tries to take the lock once, recording `owner` in it: `ok`, or proper-lockfile's error code
   * (`ELOCKED`: held; `ENOTEMPTY`: stale but not removable, as it holds an owner record).
   */
  async tryLock(owner: LockOwner): Promise<{ ok: true } | { ok: false; code: string | undefined; message: string }> {
    const reply = await this.#request({ type: 'lock', owner: JSON.stringify(owner, null, 2) + '\n' });
    return reply.type === 'locked' ? { ok: true } : { ok: false, code: reply.type === 'error' ? reply.code : undefined, message: 'message' in reply ? reply.message : '' };
  }

  /** Why the lock was lost (proper-lockfile's reason, English), or undefined while it is held. Read from shared memory: exact even while the main thread was blocked. */
  problem(): string | undefined {
    return Atomics.load(this.#flag, 0) === 1 ? (this.#compromise ?? 'lock compromised') : undefined;
  }

  /** Releases the lock (removes its folder, unless it was lost or is no longer `owner`'s) and ends the thread. */
  async release(owner: LockOwner): Promise<void> {
    await this.#request({ type: 'release', token: owner.token });
    await this.#worker.terminate();
  }

  /** Ends the thread without a lock taken. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
