/**
 * Entry of the monthly job's second thread (`monthly-thread.ts`), compiled to
 * dist/app/monthly-worker.js: loads the chart library at once, then answers each task (draw the
 * charts, load a writer, serialise a document in a format) with its value, or `ok: false` when it
 * fails (the main thread then does the work itself and reports why).
 */
import { parentPort } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics.ts';
import { drawMonthlyCharts } from '../reports/monthly-charts.ts';
import { serialize, WRITERS } from '../writers/index.ts';
import type { MonthlyReply, MonthlyTask } from './monthly-thread.ts';

async function run(task: MonthlyTask): Promise<unknown> {
  switch (task.kind) {
    case 'charts':
      return drawMonthlyCharts(task.inputs);
    case 'warm':
      await Promise.all(task.formats.map((format) => WRITERS[format]()));
      return undefined;
    case 'serialize': {
      const warnings: Diagnostic[] = [];
      return { bytes: await serialize(task.job.document, task.job.format, warnings), warnings };
    }
  }
}

parentPort?.on('message', ({ id, task }: { id: number; task: MonthlyTask }) => {
  run(task).then(
    (value) => parentPort?.postMessage({ id, ok: true, value } satisfies MonthlyReply),
    () => parentPort?.postMessage({ id, ok: false } satisfies MonthlyReply),
  );
});
