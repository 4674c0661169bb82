/**
 * The monthly job's second thread (issue 11, cold monthly job): the built thread
 * (dist/app/monthly-worker.js, through the built `startMonthlyThread`) draws the very chart bytes
 * this thread draws and serialises a document to the very bytes this thread does, and what it
 * cannot do is reported as without the thread. Needs `npm run build`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { document, heading, image, paragraph } from '../src/document/builders.ts';
import type { DocumentNode } from '../src/document/nodes.ts';
import type { MonthlyThread } from '../src/jobs/monthly-thread.ts';
import { drawMonthlyCharts, type MonthlyChartInputs, type MonthlyCharts } from '../src/reports/monthly-charts.ts';
import { serialize } from '../src/writers/index.ts';
import { docxXml, pdfText } from './helpers/readback.ts';
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

/** The built `startMonthlyThread` (in whichever file of dist/app/ esbuild put it). */
async function builtStartMonthlyThread(): Promise<() => MonthlyThread> {
  const meta = JSON.parse(readFileSync(path.join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const file = Object.keys(meta.outputs).find((out) => out.endsWith('.js') && 'src/jobs/monthly-thread.ts' in meta.outputs[out]!.inputs);
  expect(file, 'src/jobs/monthly-thread.ts in dist/app/ (npm run build)').toBeDefined();
  return ((await import(pathToFileURL(path.join(ROOT, file!)).href)) as { startMonthlyThread: () => MonthlyThread }).startMonthlyThread;
}

/** The bytes of charts, comparable. */
const bytesOf = (drawn: MonthlyCharts) =>
  Object.fromEntries(Object.entries(drawn.charts).map(([name, c]) => [name, { data: c.data, png: Buffer.from(c.png!).toString('base64') }]));

/** A small report with the chart of structures in it. */
function report(charts: MonthlyCharts): DocumentNode {
  const chart = charts.charts['etp-par-structure']!;
  const view = charts.views.etpParStructure!;
  return document({ title: 'Rapport mensuel – septembre 2019', date: '2019-09-30' }, [
    heading(1, 'Rapport mensuel du dispositif ALSES'),
    paragraph(['46,5 ETP en place au 30 septembre 2019.']),
    image('svg', chart.data, view.alt, view.width, view.height, chart.png),
  ]);
}

describe('monthly thread', () => {
  it('draws the same chart bytes, text alternatives and sizes as this thread', async () => {
    const here = await drawMonthlyCharts(INPUTS);
    expect(Object.keys(here.charts).sort()).toEqual(['etp-par-mois', 'etp-par-structure']);
    expect(String(here.charts['etp-par-structure']!.data)).toContain('Itinéraires');
    const thread = (await builtStartMonthlyThread())();
    try {
      const drawn = await thread.drawCharts(INPUTS);
      expect(bytesOf(drawn)).toEqual(bytesOf(here));
      expect(drawn.views).toEqual(here.views);
    } finally {
      await thread.close();
    }
  }, 60_000);

  it('serialises the first format, with the same bytes as this thread, and leaves the others here', async () => {
    const doc = report(await drawMonthlyCharts(INPUTS));
    const thread = (await builtStartMonthlyThread())();
    try {
      expect(thread.share(['pdf', 'docx', 'html'])).toEqual(['docx', 'html']);
      expect(thread.workers?.count).toBe(1);
      expect(thread.workers?.sharesOneDocument).toBe(true);
      const pdf = await thread.workers!.run({ document: doc, format: 'pdf' });
      const docx = await thread.workers!.run({ document: doc, format: 'docx' });
      expect(Buffer.from(pdf.bytes).equals(Buffer.from(await serialize(doc, 'pdf')))).toBe(true);
      expect(Buffer.from(docx.bytes).equals(Buffer.from(await serialize(doc, 'docx')))).toBe(true);
      expect((await pdfText(pdf.bytes)).join('\n')).toContain('46,5 ETP en place au 30 septembre 2019.');
      expect(await docxXml(docx.bytes, 'word/document.xml')).toContain('46,5 ETP en place au 30 septembre 2019.');
    } finally {
      await thread.close();
    }
  }, 120_000);

  it('reports a figure it cannot draw as this thread does: INVALID_INPUT, in French', async () => {
    const bad = { ...INPUTS, parMois: [{ mois: '2019-13', etp: 3 }] };
    const thread = (await builtStartMonthlyThread())();
    try {
      await expect(thread.drawCharts(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('mois « 2019-13 » invalide') });
      // The thread is still there for the next task.
      expect(bytesOf(await thread.drawCharts(INPUTS))).toEqual(bytesOf(await drawMonthlyCharts(INPUTS)));
    } finally {
      await thread.close();
    }
  }, 60_000);

  it('does all the work in this thread once closed (or never started)', async () => {
    const thread = (await builtStartMonthlyThread())();
    await thread.close();
    expect(bytesOf(await thread.drawCharts(INPUTS))).toEqual(bytesOf(await drawMonthlyCharts(INPUTS)));
  }, 60_000);
});
