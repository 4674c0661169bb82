/**
 * src/writers/pdf/patches/svg-measure.ts: pdfmake parses an SVG image once to measure it (issue
 * 11). That the PDF's bytes are those pdfmake made parsing twice is pinned by the golden hashes of
 * the monthly report and its two charts (test/golden.test.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { document, image, paragraph } from '../src/document/builders.ts';
import type { DocumentNode } from '../src/document/nodes.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

const require = createRequire(import.meta.url);
const SVG = readFileSync(new URL('./fixtures/writers/chart.svg', import.meta.url), 'utf8');
/** Another picture: a second image must never be given the first one's tree. */
const OTHER = SVG.replace(/#2f6fb4/g, '#1f4e79');

/** The xmldoc module pdfmake's SVGMeasure parses with (the same instance). */
const xmldoc = createRequire(require.resolve('pdfmake/js/SVGMeasure.js'))('xmldoc') as { XmlDocument: new (xml: string) => object };

/** Renders `doc` as a PDF, counting the parses of each markup by xmldoc's XmlDocument. */
async function renderCountingParses(doc: DocumentNode): Promise<{ bytes: Uint8Array; parses: Map<string, number> }> {
  const parses = new Map<string, number>();
  const Own = xmldoc.XmlDocument;
  xmldoc.XmlDocument = function (xml: string) {
    parses.set(xml, (parses.get(xml) ?? 0) + 1);
    return new Own(xml);
  } as unknown as typeof Own;
  try {
    return { bytes: await renderPdf(doc), parses };
  } finally {
    xmldoc.XmlDocument = Own;
  }
}

const META = { title: 'Graphiques', date: '2019-09-30', language: 'fr-FR' } as const;

describe('PDF writer: SVG images measured with one parse', () => {
  it('parses each SVG image once, and draws each', async () => {
    const doc = document(META, [paragraph(['Avant']), image('svg', SVG, 'ETP par année', 240, 120), image('svg', OTHER, 'ETP par mois', 120, 120), paragraph(['Après'])]);
    const { bytes, parses } = await renderCountingParses(doc);
    expect([...parses.entries()].map(([xml, n]) => [xml === SVG ? 'SVG' : xml === OTHER ? 'OTHER' : 'other', n])).toEqual([
      ['SVG', 1],
      ['OTHER', 1],
    ]);
    // Both charts drawn (svg-to-pdfkit draws their text), between the paragraphs around them.
    const text = (await pdfText(bytes)).join('\n');
    expect(text).toMatch(/Avant[\s\S]*ETP par année[\s\S]*ETP par année[\s\S]*Après/);
  });
});
