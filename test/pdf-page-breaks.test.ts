/**
 * Long tables laid out without walking their pages after every row
 * (src/writers/pdf/patches/page-breaks.ts): pins the reach into pdfmake's
 * `LayoutBuilder._updatePageBreaksData`, and that a PDF is the same with it as without it.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { column, document, row, table } from '../src/document/builders.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

const require = createRequire(import.meta.url);

/** pdfmake's `LayoutBuilder` (internal), as far as observed here. */
interface LayoutBuilder {
  _updatePageBreaksData(pageBreaks: readonly unknown[], tableNode: { _bottomByPage?: Record<string, number> }, rowIndex: number): void;
}
const builder = (require('pdfmake/js/LayoutBuilder.js') as { default: { prototype: LayoutBuilder } }).default.prototype;

// pdfmake's own method, counted, before the product's patch (installed on the first PDF) wraps it.
const pdfmakeUpdate = builder._updatePageBreaksData;
const reached: { pageBreaks: number; pages: number }[] = [];
builder._updatePageBreaksData = function (this: LayoutBuilder, pageBreaks, tableNode, rowIndex) {
  reached.push({ pageBreaks: pageBreaks.length, pages: Object.keys(tableNode._bottomByPage ?? {}).length });
  pdfmakeUpdate.call(this, pageBreaks, tableNode, rowIndex);
};
const counted = builder._updatePageBreaksData;

/** A table of `rows` body rows over several pages, some cells on two lines. */
const longTable = (rows: number) =>
  document({ title: 'Liste', date: '2019-07-15' }, [
    table({
      columns: [column(40), column(40), column(20, 'right')],
      header: [row('VILLE', 'Nom du collège', 'Nombre ALSES')],
      body: Array.from({ length: rows }, (_, i) =>
        row(`COMMUNE ${i + 1}`, i % 7 ? `Collège ${i + 1}` : `Collège au nom assez long pour tenir sur deux lignes de la colonne ${i + 1}`, '1'),
      ),
      footer: [row('TOTAL', '', String(rows))],
    }),
  ]);

describe('PDF of long tables: page breaks', () => {
  it('hands pdfmake only the rows that break a page, and loses no row', async () => {
    const bytes = await renderPdf(longTable(400));
    expect(builder._updatePageBreaksData).not.toBe(counted); // patched over pdfmake's
    const pageTexts = await pdfText(bytes);
    const pages = pageTexts.length;
    expect(pages).toBeGreaterThan(8);
    const text = pageTexts.join('\n');
    for (const n of [1, 200, 400]) expect(text).toContain(`COMMUNE ${n} `);
    // pdfmake lays out the 402 rows (header, body, TOTAL); only
    // those that break a page reach its walk over the table's pages, about one per page.
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.length).toBeLessThan(3 * pages);
    expect(reached.every((r) => r.pageBreaks > 0)).toBe(true);
    expect(Math.max(...reached.map((r) => r.pages))).toBeGreaterThan(1);
  });

  it('makes the same bytes as pdfmake without the patch', async () => {
    const doc = longTable(250);
    const patchedBytes = await renderPdf(doc);
    const patch = builder._updatePageBreaksData;
    builder._updatePageBreaksData = counted;
    reached.length = 0;
    try {
      const unpatched = await renderPdf(doc);
      // Without the patch, pdfmake walks the pages after every row, broken or not.
      expect(reached.length).toBeGreaterThanOrEqual(252);
      expect(reached.filter((r) => r.pageBreaks === 0).length).toBeGreaterThan(200);
      expect(Buffer.from(unpatched).equals(Buffer.from(patchedBytes))).toBe(true);
    } finally {
      builder._updatePageBreaksData = patch;
    }
  });
});
