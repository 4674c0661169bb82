/**
 * A thread of its own for the monthly report's charts (issue 11, cold monthly job): Vega and
 * resvg load and draw there while the main thread loads the data, the template and the writers,
 * which a cold `alses monthly` otherwise does one after the other on one core.
 *
 * The thread runs `chart-worker.js`, compiled beside this module in dist/app/; from the
 * TypeScript sources (tests, tsx) there is no such file and the charts are drawn in this thread.
 * The thread draws with the same code as this thread would, so the charts have the same bytes
 * wherever they are drawn. When it fails in any way (a figure that cannot be drawn, a thread that
 * cannot start or dies), the charts are drawn again in this thread, which then throws the error
 * itself (an AlsesError with its diagnostics, as without the thread).
 */
import { Worker } from 'node:worker_threads';
import type { MonthlyChartInputs, MonthlyCharts } from './monthly-charts.ts';

/** What the chart thread answers to a `MonthlyChartInputs` message. */
export type ChartThreadReply = { readonly ok: true; readonly charts: MonthlyCharts } | { readonly ok: false };

/** The chart thread, started by `startChartThread`. */
export interface ChartThread {
  /**
   * The monthly report's charts of `inputs` (drawn in this thread when the chart thread fails).
   * @throws AlsesError INVALID_INPUT when a figure cannot be drawn.
   */
  draw(inputs: MonthlyChartInputs): Promise<MonthlyCharts>;
  /** Ends the thread (whether it drew or not). */
  close(): Promise<void>;
}

const drawHere = async (inputs: MonthlyChartInputs): Promise<MonthlyCharts> => (await import('./monthly-charts.ts')).drawMonthlyCharts(inputs);

/**
 * Starts the chart thread, which loads the chart library at once, before it has anything to
 * draw. Close it when done (`close`); it never keeps the process alive.
 */
export function startChartThread(): ChartThread {
  if (import.meta.url.endsWith('.ts')) return { draw: drawHere, close: async () => undefined };
  let worker: Worker | undefined;
  // Until it ends (closed, or dead): a message to an ended thread would never be answered.
  let alive = false;
  try {
    worker = new Worker(new URL('./chart-worker.js', import.meta.url));
    worker.unref();
    // A thread that fails to start or dies is answered by drawing here (`draw`).
    worker.on('error', () => undefined).once('exit', () => (alive = false));
    alive = true;
  } catch {
    worker = undefined;
  }
  return {
    async draw(inputs) {
      const reply = worker && alive ? await ask(worker, inputs) : undefined;
      return reply?.ok ? reply.charts : drawHere(inputs);
    },
    async close() {
      alive = false;
      await worker?.terminate();
    },
  };
}

/** Sends `inputs` to the thread and waits for its reply; `undefined` when it fails or ends first. */
function ask(worker: Worker, inputs: MonthlyChartInputs): Promise<ChartThreadReply | undefined> {
  return new Promise((resolve) => {
    const done = (reply: ChartThreadReply | undefined) => {
      worker.off('message', done).off('error', failed).off('exit', failed);
      resolve(reply);
    };
    const failed = () => done(undefined);
    worker.on('message', done).on('error', failed).on('exit', failed);
    try {
      worker.postMessage(inputs);
    } catch {
      failed();
    }
  });
}
