/**
 * A batch of documents to serialise (`alses render` of several documents of the catalogue),
 * spread over the machine's cores: this thread takes jobs from a queue, and so do worker threads
 * of the web server's pool (`server/pool.ts`, piscina), which serialise each document they are
 * given with the same writers. Every job gives the same bytes wherever it runs; results keep the
 * order of the jobs, so the files, warnings and manifest are those of a serial run.
 */
import { availableParallelism } from 'node:os';
import type { Diagnostic } from '../diagnostics.ts';
import type { DocumentNode } from '../document/nodes.ts';
import { AlsesError } from '../errors.ts';
import { serialize, type Format } from '../writers/index.ts';

/** One document in one format. */
export interface BatchJob {
  readonly document: DocumentNode;
  readonly format: Format;
}

/** What a job gave. */
export interface BatchResult {
  readonly bytes: Uint8Array;
  readonly warnings: Diagnostic[];
}

/** Environment variable (and `alses render --travaux`) giving how many threads serialise a batch; 1: serial. */
export const WORKERS_VARIABLE = 'ALSES_TRAVAUX';

/**
 * Table rows a batch needs, summed over its documents and formats, before worker threads are
 * worth starting unasked: a worker first loads the writers (about a second of a core), while
 * the three annexes of the catalogue (some sixty rows) take less than that in all. Measured by
 * `npm run bench` (« catalogue, fils de calcul / l'un après l'autre »).
 */
export const POOL_MIN_ROWS = 5_000;

/**
 * Threads to serialise a batch with: `requested` (`--travaux`) when given, else `ALSES_TRAVAUX`,
 * else, for a batch of at least `POOL_MIN_ROWS` rows, the machine's cores (at most 4), else 1.
 * @param rows table rows of the batch, summed over documents and formats.
 * @throws AlsesError USAGE when ALSES_TRAVAUX is not a whole number from 1 to 16 (`threadCount`).
 */
export function batchThreads(requested: number | undefined, rows: number): number {
  if (requested !== undefined) return requested;
  const value = process.env[WORKERS_VARIABLE];
  if (value !== undefined && value !== '') return threadCount(value, WORKERS_VARIABLE);
  return rows >= POOL_MIN_ROWS ? Math.min(4, availableParallelism()) : 1;
}

/** Table rows of a document (header, body and footer rows of its tables). */
export const tableRows = (document: DocumentNode): number =>
  document.children.reduce((n, block) => n + (block.type === 'table' ? block.header.length + block.body.length + block.footer.length : 0), 0);

/**
 * A thread count as typed (`--travaux 2`, `ALSES_TRAVAUX=2`): a whole number from 1 to 16.
 * @throws AlsesError USAGE naming `name` and the value, in French.
 */
export function threadCount(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new AlsesError('USAGE', `${name} « ${String(value)} » invalide (attendu : un nombre de 1 à 16, ex. 2 ; 1 : l'un après l'autre)`);
  return n;
}

/**
 * Whether worker threads pay off: more than one document (a worker costs about what loading the
 * writers costs, a few tenths of a second of a core; one document's formats stay in one thread,
 * which also keeps the memory of a large document that of a serial run).
 */
export const poolPaysOff = (documents: number, jobs: number): boolean => documents > 1 && jobs > 1;

/**
 * Worker threads of a batch; each loads the writers as it starts, while this thread serialises
 * its first document. Close them when done (`close`).
 */
export interface BatchWorkers {
  /** Worker threads (besides this thread). */
  readonly count: number;
  run(job: BatchJob): Promise<BatchResult>;
  close(): Promise<void>;
}

/**
 * Starts `threads - 1` worker threads of the web server's pool (`server/pool.ts`; no time or
 * memory limit of their own: a command-line batch has Node's), each loading the writers of
 * `formats` at once.
 * @returns none when `threads` ≤ 1.
 */
export async function startBatchWorkers(threads: number, formats: readonly Format[]): Promise<BatchWorkers | undefined> {
  if (threads <= 1) return undefined;
  const { WorkerPool } = await import('../server/pool.ts');
  const count = threads - 1;
  const pool = new WorkerPool({ timeoutMs: Infinity, maxMemoryMb: Infinity, threads: count, maxQueue: 1024 });
  // A failure to load shows again, with its reason, in the first real job.
  const warm = Array.from({ length: count }, () => pool.run({ kind: 'warm', formats }).catch(() => undefined));
  return {
    count,
    async run(job) {
      const outcome = await pool.run({ kind: 'serialize', document: job.document, format: job.format });
      if (!outcome.ok) throw new AlsesError(outcome.error.code, outcome.error.message, [...outcome.error.diagnostics]);
      return outcome.value;
    },
    async close() {
      await Promise.all(warm);
      await pool.close();
    },
  };
}

/**
 * Serialises every job, this thread and the `workers` (if any) taking jobs in turn.
 * @param on.start called as a job is taken (by whichever thread), with its index.
 * @param on.done called as each job ends, with the count of jobs done.
 * @returns each job's bytes and warnings, in the order of `jobs`.
 * @throws what a writer throws (the first failure; the other jobs are abandoned).
 */
export async function serializeBatch(
  jobs: readonly BatchJob[],
  workers: BatchWorkers | undefined,
  on: { readonly start?: (index: number) => void; readonly done?: (done: number) => void } = {},
): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array<BatchResult>(jobs.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const drain = async (run: (job: BatchJob) => Promise<BatchResult>) => {
    while (!failed && next < jobs.length) {
      const i = next++;
      on.start?.(i);
      try {
        results[i] = await run(jobs[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
      on.done?.(++done);
    }
  };
  const here = async (job: BatchJob): Promise<BatchResult> => {
    const warnings: Diagnostic[] = [];
    return { bytes: await serialize(job.document, job.format, warnings), warnings };
  };
  // The workers take the first jobs, so that they start on them as soon as they are ready.
  await Promise.all([...Array.from({ length: workers?.count ?? 0 }, () => drain((job) => workers!.run(job))), drain(here)]);
  return results;
}
