/**
 * The monthly job's second thread (issue 11, cold monthly job). A cold `alses monthly` otherwise
 * does everything on one core, one thing after the other. This thread starts with the command
 * (beside the lock thread) and:
 * - loads the chart library (Vega, resvg) while the main thread loads the data, then draws the
 *   report's charts while the main thread loads the template and its writers;
 * - loads the writer of the first format, then serialises it while the main thread serialises the
 *   others (`batchWorkers`, through `serializeBatch`, whose workers take the first jobs).
 *
 * It runs `monthly-worker.js`, compiled beside this module in dist/app/; from the TypeScript
 * sources (tests, tsx) there is no such file and everything is done in the main thread. The
 * thread runs the same code as the main thread would, so the files have the same bytes wherever
 * they are made. When it fails in any way (a figure that cannot be drawn, a writer that throws, a
 * thread that cannot start or dies), the work is done again in the main thread, which then throws
 * the error itself (an AlsesError with its diagnostics, as without the thread).
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics.ts';
import type { MonthlyChartInputs, MonthlyCharts } from '../reports/monthly-charts.ts';
import type { Format } from '../writers/formats.ts';
import { serialize } from '../writers/index.ts';
import type { BatchJob, BatchResult, BatchWorkers } from './batch.ts';

/** A task of the monthly thread. */
export type MonthlyTask =
  | { readonly kind: 'charts'; readonly inputs: MonthlyChartInputs }
  | { readonly kind: 'warm'; readonly formats: readonly Format[] }
  | { readonly kind: 'serialize'; readonly job: BatchJob };

/** The thread's answer to the task `id`: its value, or `ok: false` when it failed. */
export type MonthlyReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false };

/** The monthly job's second thread, started by `startMonthlyThread`. */
export interface MonthlyThread {
  /**
   * The monthly report's charts of `inputs` (drawn in the main thread when this thread fails).
   * @throws AlsesError INVALID_INPUT when a figure cannot be drawn.
   */
  drawCharts(inputs: MonthlyChartInputs): Promise<MonthlyCharts>;
  /**
   * Has the thread load the writer of the first of `formats` (the one it will serialise) and
   * gives the formats the main thread serialises: the others (all of them without a thread).
   */
  share(formats: readonly Format[]): readonly Format[];
  /** The thread as `serializeBatch`'s one worker, taking even one document's first format. */
  readonly workers: BatchWorkers | undefined;
  /** Ends the thread (whether it worked or not). */
  close(): Promise<void>;
}

const drawHere = async (inputs: MonthlyChartInputs): Promise<MonthlyCharts> => (await import('../reports/monthly-charts.ts')).drawMonthlyCharts(inputs);

const serializeHere = async (job: BatchJob): Promise<BatchResult> => {
  const warnings: Diagnostic[] = [];
  return { bytes: await serialize(job.document, job.format, warnings), warnings };
};

/**
 * Starts the monthly thread, which loads the chart library at once, before it has anything to
 * draw. Close it when done (`close`); it never keeps the process alive.
 */
export function startMonthlyThread(): MonthlyThread {
  let worker: Worker | undefined;
  // Until it ends (closed, or dead): a message to an ended thread would never be answered.
  let alive = false;
  if (!import.meta.url.endsWith('.ts'))
    try {
      worker = new Worker(new URL('./monthly-worker.js', import.meta.url));
      worker.unref();
      // A thread that fails to start or dies is answered by working here (`ask`).
      worker.on('error', () => undefined).once('exit', () => (alive = false));
      alive = true;
    } catch {
      worker = undefined;
    }
  let ids = 0;
  const ask = <T>(task: MonthlyTask): Promise<{ value: T } | undefined> =>
    new Promise((resolve) => {
      if (!alive) return resolve(undefined);
      const id = ++ids;
      const done = (reply: MonthlyReply | undefined) => {
        if (reply && reply.id !== id) return;
        worker!.off('message', done).off('error', failed).off('exit', failed);
        resolve(reply?.ok ? { value: reply.value as T } : undefined);
      };
      const failed = () => done(undefined);
      worker!.on('message', done).on('error', failed).on('exit', failed);
      try {
        worker!.postMessage({ id, task });
      } catch {
        failed();
      }
    });
  return {
    async drawCharts(inputs) {
      const reply = await ask<MonthlyCharts>({ kind: 'charts', inputs });
      return reply ? reply.value : drawHere(inputs);
    },
    share(formats) {
      if (!alive || formats.length < 2) return formats;
      // A failure to load shows again, with its reason, when the format is serialised.
      void ask({ kind: 'warm', formats: formats.slice(0, 1) });
      return formats.slice(1);
    },
    workers: worker && {
      count: 1,
      sharesOneDocument: true,
      async run(job) {
        const reply = await ask<BatchResult>({ kind: 'serialize', job });
        return reply ? reply.value : serializeHere(job);
      },
      async close() {},
    },
    async close() {
      alive = false;
      await worker?.terminate();
    },
  };
}
