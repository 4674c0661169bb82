/**
 * Patch of pdfmake's `LayoutBuilder._updatePageBreaksData` (internal): the time of a long table
 * no longer grows with its rows times its pages. After laying out each row, pdfmake walks every
 * page the table has covered so far (`tableNode._bottomByPage`, which the table's column groups
 * carry from row to row), looking each one up among the page breaks of that row (`pageBreaks`)
 * and among the breaks of row-spanning cells (`_breaksBySpan`): for the list annex at 100,000 rows,
 * some 2,000 pages walked for each of the rows, most of which break no page. A row with neither
 * kind of break changes nothing in that walk (each page's lookup finds nothing), so the walk is
 * skipped for it; rows with breaks are left to pdfmake. Measured: 1.1 % of the CPU time of the
 * list annex at 40,000 rows (PDF and DOCX), 10.6 times as much as at 10,000.
 *
 * Upstream: no bpampuch/pdfmake issue names it; nearest are #707 ("Slow generation for large
 * PDFs", time growing faster than the rows of a table) and #2540 (very large documents). Pinned
 * by test/pdf-page-breaks.test.ts, the bytes by the golden hashes (test/golden.test.ts).
 */
import { createRequire } from 'node:module';

/** A table node as pdfmake lays it out (internal), as far as read. */
interface TableNode {
  readonly _breaksBySpan?: readonly unknown[];
}

/** pdfmake's `LayoutBuilder` (internal), as far as wrapped. */
interface PdfmakeLayoutBuilder {
  _updatePageBreaksData(pageBreaks: readonly unknown[], tableNode: TableNode, rowIndex: number): void;
}

const require = createRequire(import.meta.url);

let installed = false;

/**
 * Once per process: makes pdfmake skip its walk of a table's pages after a row that breaks no
 * page (see above).
 * @throws Error when pdfmake's `LayoutBuilder._updatePageBreaksData` is missing (an upgrade).
 */
export function skipUnbrokenRows(): void {
  if (installed) return;
  const builder = (require('pdfmake/js/LayoutBuilder.js') as { default?: { prototype: PdfmakeLayoutBuilder } }).default?.prototype;
  const update = builder?._updatePageBreaksData;
  if (builder === undefined || typeof update !== 'function' || update.length !== 3) {
    throw new Error('pdfmake LayoutBuilder._updatePageBreaksData missing or changed (pdfmake upgrade?)');
  }
  builder._updatePageBreaksData = function (this: PdfmakeLayoutBuilder, pageBreaks, tableNode, rowIndex) {
    if (pageBreaks.length === 0 && !tableNode._breaksBySpan?.length) return;
    update.call(this, pageBreaks, tableNode, rowIndex);
  };
  installed = true;
}
