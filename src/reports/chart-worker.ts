/**
 * Entry of the chart thread (`chart-thread.ts`), compiled to dist/app/chart-worker.js: loads the
 * chart library at once, then answers each `MonthlyChartInputs` message with the charts drawn,
 * or `{ ok: false }` when they cannot be (the main thread then draws them itself and reports why).
 */
import { parentPort } from 'node:worker_threads';
import type { ChartThreadReply } from './chart-thread.ts';
import { drawMonthlyCharts, type MonthlyChartInputs } from './monthly-charts.ts';

parentPort?.on('message', (inputs: MonthlyChartInputs) => {
  drawMonthlyCharts(inputs).then(
    (charts) => parentPort?.postMessage({ ok: true, charts } satisfies ChartThreadReply),
    () => parentPort?.postMessage({ ok: false } satisfies ChartThreadReply),
  );
});
