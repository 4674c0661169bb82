/**
 * A batch of documents to serialise (`alses render` of several documents of the catalogue),
 * spread over the machine's cores: this thread and worker threads of the web server's pool
 * (`server/pool.ts`, piscina) claim jobs (one document in one format) from one list in shared
 * memory, so that no thread waits for another to hand it work (this thread, busy serialising,
 * could not dispatch jobs to piscina's workers in time): the workers claim from the longest end
 * as soon as they have loaded their writer, this thread from the shortest end, a worker not
 * ready in time simply claims nothing, and no thread starts a writer for less work than that
 * start costs. Every job gives the same bytes wherever it runs; results keep the order of the
 * jobs, so the files, warnings and manifest are those of a serial run.
 */
import { availableParallelism } from 'node:os';
import { deserialize, serialize as encode } from 'node:v8';
import type { Diagnostic } from '../diagnostics.ts';
import type { DocumentNode } from '../document/nodes.ts';
import { documentText } from '../document/text.ts';
import { AlsesError } from '../errors.ts';
import { serialize, WRITERS, type Format } from '../writers/index.ts';

/** One document in one format. */
export interface BatchJob {
  readonly document: DocumentNode;
  readonly format: Format;
}

/** What a job gave. */
export interface BatchResult {
  readonly bytes: Uint8Array;
  readonly warnings: Diagnostic[];
  /** The thread that made it: 1 this thread, 2 and up the workers (as numbered in `SharedBatch.claims`). */
  readonly thread: number;
}

/** Environment variable (and `alses render --travaux`) giving how many threads serialise a batch; 1: serial. */
export const WORKERS_VARIABLE = 'ALSES_TRAVAUX';

/**
 * Table rows a batch needs, summed over its documents and formats, before worker threads are
 * worth starting unasked. A worker loads its writer (0.15 s of a core) and makes its first
 * document cold (a PDF: 0.2 s more than warm), and on a 2-core machine it competes with V8's
 * own background compiling, which keeps the second core half busy during a serial run: the
 * three annexes of the catalogue (some sixty rows) take as long on two threads as on one
 * (1.00x, for 10 % more CPU time and 47 MB more memory; measured by `npm run bench`,
 * « catalogue, fils de calcul / l'un après l'autre »), so a small batch stays serial.
 */
export const POOL_MIN_ROWS = 5_000;

/**
 * Threads asked for: `requested` (`--travaux`) when given, else `ALSES_TRAVAUX`; none when
 * neither is (the count then depends on the batch, `batchThreads`).
 * @throws AlsesError USAGE when ALSES_TRAVAUX is not a whole number from 1 to 16 (`threadCount`).
 */
export function askedThreads(requested: number | undefined): number | undefined {
  if (requested !== undefined) return requested;
  const value = process.env[WORKERS_VARIABLE];
  return value !== undefined && value !== '' ? threadCount(value, WORKERS_VARIABLE) : undefined;
}

/**
 * Threads to serialise a batch with: `requested` (`--travaux`) when given, else `ALSES_TRAVAUX`,
 * else, for a batch of at least `POOL_MIN_ROWS` rows, the machine's cores (at most 4), else 1.
 * @param rows table rows of the batch, summed over documents and formats.
 * @throws AlsesError USAGE when ALSES_TRAVAUX is not a whole number from 1 to 16 (`threadCount`).
 */
export function batchThreads(requested: number | undefined, rows: number): number {
  return askedThreads(requested) ?? (rows >= POOL_MIN_ROWS ? Math.min(4, availableParallelism()) : 1);
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
 * Estimated time of a job, in ms of a core (a 2-core Xeon VM, `npm run bench`'s machine), per
 * 1,000 characters of the document's text plus one (the page furniture every document has):
 * measured on the catalogue, with the writer loaded and warm (a PDF: 90 to 240 ms; a DOCX about a
 * fifth of that; HTML a few ms). Orders the jobs (longest first) and weighs what is left of a
 * format against `COLD_MS`; a wrong guess costs at most one job's imbalance, since threads claim
 * jobs as they go.
 */
const FORMAT_MS: Readonly<Record<Format, number>> = { pdf: 50, docx: 10, html: 2 };

/**
 * What a thread pays, in ms of a core (same machine), the first time it serialises a format:
 * loading the writer and its libraries, the fonts' tables, and running their code before V8 has
 * optimised it (measured: a worker's first PDF took 420 ms of its core after loading pdfmake
 * (130 ms), the same document warm 235 ms; a first DOCX about 60 ms more than the next ones).
 */
const COLD_MS: Readonly<Record<Format, number>> = { pdf: 300, docx: 80, html: 10 };

/** The format of the batch's longest jobs, which a worker loads before it claims any. */
const heaviest = (formats: readonly Format[]): Format | undefined => [...formats].sort((a, b) => FORMAT_MS[b] - FORMAT_MS[a])[0];

/**
 * Estimated time of each job (`FORMAT_MS`), in ms of a core.
 * @returns one estimate per job, in the order of `jobs`.
 */
export function jobCosts(jobs: readonly BatchJob[]): number[] {
  const lengths = new Map<DocumentNode, number>();
  return jobs.map((job) => {
    let length = lengths.get(job.document);
    if (length === undefined) lengths.set(job.document, (length = documentText(job.document).length));
    return FORMAT_MS[job.format] * (1 + length / 1_000);
  });
}

/**
 * The order in which jobs are claimed: the longest first (`jobCosts`), ties in batch order.
 * @returns indices into `jobs`.
 */
export function claimOrder(jobs: readonly BatchJob[], costs: readonly number[] = jobCosts(jobs)): number[] {
  return jobs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]! || a - b);
}

/**
 * A batch as the workers receive it: each document encoded once (`v8.serialize`, the structured
 * clone postMessage uses) into one shared buffer that every worker reads, decoding only the
 * documents of the jobs it claims; and the claims, in shared memory.
 */
export interface SharedBatch {
  /** The encoded documents, one after another. */
  readonly documents: SharedArrayBuffer;
  /** Start and end (bytes) of each document in `documents`. */
  readonly spans: readonly (readonly [number, number])[];
  /**
   * The jobs in claim order (`claimOrder`): document (index into `spans`), format, index of the
   * job in the batch, estimated time (`jobCosts`).
   */
  readonly jobs: readonly { readonly document: number; readonly format: Format; readonly index: number; readonly cost: number }[];
  /**
   * `Int32Array` over it, one slot per job of `jobs` then one flag: 0 free, `owner` while a
   * thread serialises it, `-owner` once done (this thread is owner 1, workers 2 and up);
   * the last slot is set to 1 when a job failed (the others stop claiming).
   */
  readonly claims: SharedArrayBuffer;
}

/** This thread's number in `SharedBatch.claims`. */
const MAIN = 1;

/** A job a worker did: its index in the batch and what it gave. */
export interface ClaimedResult extends BatchResult {
  readonly index: number;
}

/**
 * Whether a thread that has not serialised `format` yet should leave the free jobs of that
 * format to the thread(s) already on it: when another thread (`others`) holds a job of it and
 * what is left of it (estimated) is less than a cold start of its writer here (`COLD_MS`).
 */
function leaveToOthers(batch: SharedBatch, claims: Int32Array, format: Format, others: (owner: number) => boolean): boolean {
  let left = 0;
  let held = false;
  batch.jobs.forEach((job, k) => {
    if (job.format !== format) return;
    const holder = Math.abs(Atomics.load(claims, k));
    if (holder === 0) left += job.cost;
    else if (others(holder)) held = true;
  });
  return held && left < COLD_MS[format];
}

/**
 * The worker's part of a batch (task `batch` of `server/tasks.ts`): claims the jobs of `batch`
 * from its longest end, one at a time, until it meets those this thread claimed from the other
 * end, and serialises them. It passes over the jobs in a format it has not serialised yet that
 * are not worth a cold start (`leaveToOthers`), leaving them to this thread.
 * @param owner the worker's number in the claims (2 and up).
 * @param preloaded the format whose writer the worker loaded as it started.
 * @returns what each claimed job gave.
 * @throws what a writer throws, after flagging the failure in the claims.
 */
export async function claimJobs(batch: SharedBatch, owner: number, preloaded?: Format): Promise<ClaimedResult[]> {
  const claims = new Int32Array(batch.claims);
  const n = batch.jobs.length;
  // The document last decoded only: a worker of a batch of large documents holds one at a time.
  let decoded: { readonly id: number; readonly document: DocumentNode } | undefined;
  const used = new Set<Format>(preloaded ? [preloaded] : []);
  const results: ClaimedResult[] = [];
  for (let k = 0; k < n && Atomics.load(claims, n) === 0; k++) {
    const job = batch.jobs[k]!;
    if (!used.has(job.format) && leaveToOthers(batch, claims, job.format, (holder) => holder !== owner)) continue;
    const holder = Atomics.compareExchange(claims, k, 0, owner);
    if (Math.abs(holder) === MAIN) break;
    if (holder !== 0) continue;
    used.add(job.format);
    if (decoded?.id !== job.document) {
      const [start, end] = batch.spans[job.document]!;
      decoded = undefined;
      decoded = { id: job.document, document: deserialize(new Uint8Array(batch.documents, start, end - start)) as DocumentNode };
    }
    const warnings: Diagnostic[] = [];
    try {
      results.push({ index: job.index, bytes: await serialize(decoded.document, job.format, warnings), warnings, thread: owner });
    } catch (err) {
      Atomics.store(claims, n, 1);
      throw err;
    }
    Atomics.store(claims, k, -owner);
  }
  return results;
}

/**
 * Loads the writer of the heaviest of `formats` (a worker does, as it starts, before it claims
 * any job). A failure is left for the job that needs the writer to report.
 */
export async function preloadWriter(formats: readonly Format[]): Promise<void> {
  const format = heaviest(formats);
  if (format) await WRITERS[format]().catch(() => undefined);
}

/** Worker threads of a batch, started before its documents are made (`startBatchWorkers`). */
export interface BatchWorkers {
  /** Worker threads (besides this thread). */
  readonly count: number;
  /**
   * Hands `batch` to every worker.
   * @returns for each worker (owner 2, 3…), what the jobs it claimed gave, once it claims no more.
   */
  share(batch: SharedBatch): Promise<ClaimedResult[]>[];
  /** Ends the workers (at once: a worker still loading claims nothing); again: the same promise. */
  close(): Promise<void>;
}

/**
 * Starts `threads - 1` worker threads of the web server's pool (`server/pool.ts`; no time or
 * memory limit of their own: a command-line batch has Node's), all at once, each loading the
 * writer of the heaviest of `formats` (`preloadWriter`) while this thread reads the data and
 * makes the documents.
 * @returns none when `threads` ≤ 1.
 */
export async function startBatchWorkers(threads: number, formats: readonly Format[]): Promise<BatchWorkers | undefined> {
  if (threads <= 1) return undefined;
  const { WorkerPool } = await import('../server/pool.ts');
  const count = threads - 1;
  const pool = new WorkerPool({ timeoutMs: Infinity, maxMemoryMb: Infinity, threads: count, maxQueue: count }, { preload: formats });
  const preloaded = heaviest(formats);
  let closed: Promise<void> | undefined;
  return {
    count,
    share: (batch) =>
      Array.from({ length: count }, async (_, w) => {
        const outcome = await pool.run({ kind: 'batch', batch, owner: MAIN + 1 + w, ...(preloaded ? { preloaded } : {}) });
        if (!outcome.ok) throw new AlsesError(outcome.error.code, outcome.error.message, [...outcome.error.diagnostics]);
        return outcome.value;
      }),
    close: () => (closed ??= pool.close()),
  };
}

/**
 * `jobs` as workers receive them (`SharedBatch`): each document encoded once, the jobs in claim
 * order, none claimed yet.
 */
export function shareBatch(jobs: readonly BatchJob[]): SharedBatch {
  const costs = jobCosts(jobs);
  const order = claimOrder(jobs, costs);
  const ids = new Map<DocumentNode, number>();
  const encoded: Uint8Array[] = [];
  for (const job of jobs)
    if (!ids.has(job.document)) {
      ids.set(job.document, encoded.length);
      encoded.push(encode(job.document));
    }
  const documents = new SharedArrayBuffer(encoded.reduce((n, e) => n + e.length, 0));
  const spans: [number, number][] = [];
  let at = 0;
  for (const e of encoded) {
    new Uint8Array(documents).set(e, at);
    spans.push([at, (at += e.length)]);
  }
  return {
    documents,
    spans,
    jobs: order.map((index) => ({ document: ids.get(jobs[index]!.document)!, format: jobs[index]!.format, index, cost: costs[index]! })),
    claims: new SharedArrayBuffer(4 * (jobs.length + 1)),
  };
}

/**
 * Serialises every job: in this thread alone, in order, without `workers`; with them, this
 * thread claims jobs from the shortest end of the claim order (`claimOrder`) while each worker
 * claims from the longest end once its writer is loaded. This thread leaves to a worker the
 * jobs of a format it has not serialised yet when they are not worth a cold start of that
 * writer here (`leaveToOthers`: on the catalogue, the last PDFs), and takes whatever no worker
 * took once the workers that claimed jobs are done.
 * @param on.start called as this thread takes a job, with its index.
 * @param on.done called as this thread ends a job, with the count of jobs done by all threads.
 * @returns each job's bytes and warnings, in the order of `jobs`.
 * @throws what a writer throws (the first failure seen; the other jobs are abandoned).
 */
export async function serializeBatch(
  jobs: readonly BatchJob[],
  workers: BatchWorkers | undefined,
  on: { readonly start?: (index: number) => void; readonly done?: (done: number) => void } = {},
): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array<BatchResult>(jobs.length);
  const here = async (i: number): Promise<void> => {
    on.start?.(i);
    const warnings: Diagnostic[] = [];
    results[i] = { bytes: await serialize(jobs[i]!.document, jobs[i]!.format, warnings), warnings, thread: MAIN };
  };
  if (!workers) {
    for (let i = 0; i < jobs.length; i++) {
      await here(i);
      on.done?.(i + 1);
    }
    return results;
  }
  const batch = shareBatch(jobs);
  const shares = workers.share(batch);
  // A worker that claimed nothing is not waited for, whatever became of it.
  for (const share of shares) share.catch(() => undefined);
  const claims = new Int32Array(batch.claims);
  const n = jobs.length;
  const done = (): number => claims.subarray(0, n).reduce((d, c) => d + (c < 0 ? 1 : 0), 0);
  const used = new Set<Format>();
  const claim = async (k: number): Promise<boolean> => {
    if (Atomics.load(claims, n) !== 0 || Atomics.compareExchange(claims, k, 0, MAIN) !== 0) return false;
    used.add(batch.jobs[k]!.format);
    try {
      await here(batch.jobs[k]!.index);
    } catch (err) {
      Atomics.store(claims, n, 1);
      throw err;
    }
    Atomics.store(claims, k, -MAIN);
    on.done?.(done());
    return true;
  };
  for (let k = n - 1; k >= 0; k--) {
    const { format } = batch.jobs[k]!;
    if (!used.has(format) && leaveToOthers(batch, claims, format, (holder) => holder !== MAIN)) continue;
    if (!(await claim(k))) break;
  }
  // The workers that claimed jobs, until none claims more; then what no worker took (left by
  // `leaveToOthers`, or a worker that failed before claiming any) is this thread's.
  const waited = new Set<number>();
  const wait = async (): Promise<void> => {
    for (;;) {
      const owners = [...new Set(Array.from(claims.subarray(0, n), Math.abs))].filter((o) => o > MAIN && !waited.has(o));
      if (owners.length === 0) return;
      for (const o of owners) waited.add(o);
      for (const { index, ...result } of (await Promise.all(owners.map((o) => shares[o - MAIN - 1]!))).flat()) results[index] = result;
    }
  };
  await wait();
  for (let k = n - 1; k >= 0 && Atomics.load(claims, n) === 0; k--) await claim(k);
  await wait();
  on.done?.(n);
  return results;
}
