/**
 * The worker pool that runs every heavy job of the web server (loading a workbook, rendering,
 * previews, monthly reports) off the request thread, on piscina. Each job has a time limit and
 * each worker a memory limit (`resourceLimits`): a hostile workbook or a huge état ends its own
 * worker (piscina starts a new one), never the server.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Format } from '../writers/formats.ts';
import type { Task, TaskResult } from './tasks.ts';

/** Limits of the pool. */
export interface PoolLimits {
  /** Longest a job may run, in ms, before its worker is ended (`Infinity`: no limit, as a command-line batch). */
  readonly timeoutMs: number;
  /** Heap limit of each worker (V8 old generation), in MiB (`Infinity`: Node's default, as a command-line batch). */
  readonly maxMemoryMb: number;
  /** Worker threads (default: one core less than the machine has, so requests keep one; 1 to 4). */
  readonly threads?: number;
  /** Jobs waiting beyond the running ones before new ones are refused. */
  readonly maxQueue?: number;
}

/** How the workers start (also what each is given as it starts: `workerData`, read by worker.ts). */
export interface PoolStart {
  /**
   * Start every worker at once (not one, then more as jobs come), each loading the writer of the
   * heaviest of these formats before it takes a job (`jobs/batch.ts`, `preloadWriter`): for a
   * command-line batch, whose workers come up while the data is read.
   */
  readonly preload?: readonly Format[];
}

/** Default limits: 60 s per job, 1 GiB of heap per worker. */
export const DEFAULT_LIMITS: PoolLimits = { timeoutMs: 60_000, maxMemoryMb: 1024 };

/** Why a job was stopped by the pool rather than by its own code. */
export type LimitReason = 'delai' | 'memoire' | 'file';

/** A job stopped by a limit of the pool: time, memory or a full queue. */
export class JobLimitError extends Error {
  override readonly name = 'JobLimitError';
  constructor(
    readonly reason: LimitReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker's entry: `worker-start.js` beside this module in the shipped build (the code cache,
 * then the compiled worker), or a loader that runs the TypeScript sources through tsx when this
 * module itself is TypeScript.
 */
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-dev.mjs' : './worker-start.js', import.meta.url).href;

/**
 * The pool of rendering workers. A job waits in this pool's own queue until a worker is free,
 * and only then goes to piscina with its time limit: the limit is the job's running time, not
 * its wait behind others (eight large workbooks dropped at once on a one-worker server: the last
 * ones were stopped « too long » while they had not started).
 */
export class WorkerPool {
  readonly #pool: Piscina;
  readonly #limits: PoolLimits;
  readonly #threads: number;
  readonly #maxQueue: number;
  /** Jobs handed to piscina (at most `#threads`). */
  #running = 0;
  /** Jobs waiting for a worker, first come first served. */
  readonly #waiting: (() => void)[] = [];

  constructor(limits: PoolLimits = DEFAULT_LIMITS, start: PoolStart = {}) {
    this.#limits = limits;
    const threads = limits.threads ?? Math.min(4, Math.max(1, availableParallelism() - 1));
    this.#threads = threads;
    this.#maxQueue = limits.maxQueue ?? 64;
    this.#pool = new Piscina({
      filename: WORKER_ENTRY,
      // Workers started with the pool take jobs at once; later ones only once this thread has
      // seen them ready (its event loop, busy during a batch).
      minThreads: start.preload ? threads : 1,
      workerData: start,
      maxThreads: threads,
      idleTimeout: 5 * 60_000,
      // Jobs wait in this pool's queue; piscina's holds one a worker has not picked up yet.
      maxQueue: threads,
      ...(Number.isFinite(limits.maxMemoryMb) ? { resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb } } : {}),
    });
  }

  /**
   * Runs a job in a worker, once one is free; its time limit counts from then.
   * @throws JobLimitError when the job outlives `timeoutMs`, its worker runs out of memory, or
   *   more than `maxQueue` jobs already wait; any other error is a fault of the product.
   */
  async run<K extends Task['kind']>(task: Task & { kind: K }): Promise<TaskResult<K>> {
    if (this.#running >= this.#threads) {
      if (this.#waiting.length >= this.#maxQueue) throw new JobLimitError('file', 'Serveur occupé : trop de traitements en attente, réessayez dans un instant');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await this.#runNow<K>(task);
    } finally {
      // The slot goes to the next job waiting, if any (it stays counted as running).
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }

  async #runNow<K extends Task['kind']>(task: Task & { kind: K }): Promise<TaskResult<K>> {
    const signal = Number.isFinite(this.#limits.timeoutMs) ? AbortSignal.timeout(this.#limits.timeoutMs) : undefined;
    try {
      return (await this.#pool.run(task, signal ? { signal } : {})) as TaskResult<K>;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (signal?.aborted || e.name === 'AbortError')
        throw new JobLimitError('delai', `Traitement interrompu : il a dépassé le délai de ${Math.round(this.#limits.timeoutMs / 1000)} s (données trop volumineuses ?)`);
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY')
        throw new JobLimitError('memoire', `Traitement interrompu : il a dépassé la mémoire permise (${this.#limits.maxMemoryMb} Mio ; données trop volumineuses ?)`);
      if (e.message === 'Task queue is at limit') throw new JobLimitError('file', 'Serveur occupé : trop de traitements en attente, réessayez dans un instant');
      throw err;
    }
  }

  /** Jobs running or waiting. */
  get busy(): number {
    return this.#running + this.#waiting.length;
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
