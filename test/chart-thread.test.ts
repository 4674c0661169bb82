/**
 * The monthly report's chart thread (issue 11, cold monthly job): the built thread
 * (dist/app/chart-worker.js, through the built `startChartThread`) draws the very bytes this
 * thread draws, and a figure it cannot draw is reported as without the thread. Needs
 * `npm run build`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ChartThread, ChartThreadReply } from '../src/reports/chart-thread.ts';
import { drawMonthlyCharts, type MonthlyChartInputs, type MonthlyCharts } from '../src/reports/monthly-charts.ts';
import { ROOT } from './helpers/cli.ts';

const INPUTS: MonthlyChartInputs = {
  parStructure: [
    { structurePorteuse: 'Itinéraires', etp: 6 },
    { structurePorteuse: 'AAE', etp: 6 },
    { structurePorteuse: "Association départementale de sauvegarde de l'enfance et de l'adolescence", etp: 4.5 },
    { structurePorteuse: 'non désignée', etp: 0.5 },
  ],
  parMois: [
    { mois: '2019-07', etp: 41 },
    { mois: '2019-08', etp: 41 },
    { mois: '2019-09', etp: 46.5 },
  ],
  objectif: { cible: 50, libelle: 'atteindre une cinquantaine de postes sur le territoire d’ici 2020' },
};

/** The built `startChartThread` (in whichever file of dist/app/ esbuild put it). */
async function builtStartChartThread(): Promise<() => ChartThread> {
  const meta = JSON.parse(readFileSync(path.join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const file = Object.keys(meta.outputs).find((out) => out.endsWith('.js') && 'src/reports/chart-thread.ts' in meta.outputs[out]!.inputs);
  expect(file, 'src/reports/chart-thread.ts in dist/app/ (npm run build)').toBeDefined();
  return ((await import(pathToFileURL(path.join(ROOT, file!)).href)) as { startChartThread: () => ChartThread }).startChartThread;
}

/** Asks the built thread entry itself, once. */
async function askWorker(inputs: unknown): Promise<ChartThreadReply> {
  const worker = new Worker(path.join(ROOT, 'dist/app/chart-worker.js'));
  try {
    return await new Promise<ChartThreadReply>((resolve, reject) => {
      worker.once('message', resolve).once('error', reject);
      worker.postMessage(inputs);
    });
  } finally {
    await worker.terminate();
  }
}

/** The bytes of charts, comparable. */
const bytesOf = (drawn: MonthlyCharts) =>
  Object.fromEntries(Object.entries(drawn.charts).map(([name, c]) => [name, { data: c.data, png: Buffer.from(c.png!).toString('base64') }]));

describe('chart thread', () => {
  it('draws the same SVG and PNG bytes, text alternatives and sizes as this thread', async () => {
    const here = await drawMonthlyCharts(INPUTS);
    expect(Object.keys(here.charts).sort()).toEqual(['etp-par-mois', 'etp-par-structure']);
    expect(String(here.charts['etp-par-structure']!.data)).toContain('Itinéraires');

    const reply = await askWorker(INPUTS);
    expect(reply.ok).toBe(true);
    const drawn = (reply as { charts: MonthlyCharts }).charts;
    expect(bytesOf(drawn)).toEqual(bytesOf(here));
    expect(drawn.views).toEqual(here.views);

    const thread = (await builtStartChartThread())();
    try {
      const viaThread = await thread.draw(INPUTS);
      expect(bytesOf(viaThread)).toEqual(bytesOf(here));
      expect(viaThread.views).toEqual(here.views);
    } finally {
      await thread.close();
    }
  }, 60_000);

  it('reports a figure it cannot draw as this thread does: INVALID_INPUT, in French', async () => {
    const bad = { ...INPUTS, parMois: [{ mois: '2019-13', etp: 3 }] };
    expect(await askWorker(bad)).toEqual({ ok: false });
    const thread = (await builtStartChartThread())();
    try {
      await expect(thread.draw(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('mois « 2019-13 » invalide') });
    } finally {
      await thread.close();
    }
  }, 60_000);

  it('draws in this thread once closed (a closed thread is not asked)', async () => {
    const thread = (await builtStartChartThread())();
    await thread.close();
    const here = await drawMonthlyCharts(INPUTS);
    expect(bytesOf(await thread.draw(INPUTS))).toEqual(bytesOf(here));
  }, 60_000);
});
