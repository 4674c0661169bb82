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
 * Threads to serialise with: `requested` when given, else `ALSES_TRAVAUX`, else the machine's
 * cores (at most 4).
 * @throws AlsesError USAGE when ALSES_TRAVAUX is not a whole number from 1 to 16 (`threadCount`).
 */
export function batchThreads(requested?: number): number {
  if (requested !== undefined) return requested;
  const value = process.env[WORKERS_VARIABLE];
  return value === undefined || value === '' ? Math.min(4, availableParallelism()) : threadCount(value, WORKERS_VARIABLE);
}

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
 * Whether worker threads pay off: more than one document (starting a worker costs about what
 * loading the writers costs, a few tenths of a second; one document's formats stay in one
 * thread, which also keeps the memory of a large document that of a serial run) and more than
 * one thread allowed.
 */
export const poolPaysOff = (documents: number, jobs: number, threads: number): boolean => documents > 1 && jobs > 1 && threads > 1;

/**
 * Serialises every job, this thread and `threads - 1` workers taking jobs in turn.
 * @param on.start called as a job is taken (by whichever thread), with its index.
 * @param on.done called as each job ends, with the count of jobs done.
 * @returns each job's bytes and warnings, in the order of `jobs`.
 * @throws what a writer throws (the first failure; the other jobs are abandoned).
 */
export async function serializeBatch(
  jobs: readonly BatchJob[],
  threads: number,
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
  if (threads <= 1) {
    await drain(here);
    return results;
  }
  const { WorkerPool } = await import('../server/pool.ts');
  const pool = new WorkerPool({ timeoutMs: Infinity, maxMemoryMb: Infinity, threads: threads - 1, maxQueue: jobs.length });
  const inWorker = async (job: BatchJob): Promise<BatchResult> => {
    const outcome = await pool.run({ kind: 'serialize', document: job.document, format: job.format });
    if (!outcome.ok) throw new AlsesError(outcome.error.code, outcome.error.message, [...outcome.error.diagnostics]);
    return outcome.value;
  };
  try {
    await Promise.all([drain(here), ...Array.from({ length: threads - 1 }, () => drain(inWorker))]);
  } finally {
    await pool.close();
  }
  return results;
}
