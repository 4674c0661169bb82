/**
 * Memory of large PDFs (src/writers/pdf/patches/memory.ts): pins the reaches into pdfmake's
 * `LayoutBuilder` and `Renderer` and pdfkit's `_write` that let the laid-out content and pages go
 * as soon as they are drawn and push pdfkit's output in blocks, and those into `TextInlines`,
 * `ElementWriter` and `LayoutBuilder` that keep leaner laid-out records. The bytes of every PDF are pinned
 * by test/golden.test.ts; the memory itself is measured by `npm run bench`.
 */
import { createRequire } from 'node:module';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { column, document, row, table } from '../src/document/builders.ts';
import { BLOCK_BYTES, COLLECT_EVERY } from '../src/writers/pdf/patches/memory.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

const require = createRequire(import.meta.url);

/** A laid-out line (pdfmake's internal `Line`), as far as observed here. */
interface Line {
  inlines: Record<string, unknown>[];
}

/** A text node as pdfmake lays it out (internal), as far as observed here. */
interface TextNode {
  _inlines?: unknown[];
  positions?: { pageNumber: number }[];
}

/** pdfmake's `LayoutBuilder` (internal), as far as observed here. */
interface LayoutBuilder {
  layoutDocument(content: unknown, pdf: { on(event: 'pageAdded', listener: () => void): void }, ...rest: unknown[]): unknown[];
  buildNextLine(node: TextNode): Line | null;
}
const builder = (require('pdfmake/js/LayoutBuilder.js') as { default: { prototype: LayoutBuilder } }).default.prototype;

/** A table of `rows` body rows over several pages, with its header and TOTAL rows. */
const longTable = (rows: number) =>
  document({ title: 'Liste', date: '2019-07-15' }, [
    table({
      columns: [column(40), column(40), column(20, 'right')],
      header: [row('VILLE', 'Nom du collège', 'Nombre ALSÉS')],
      body: Array.from({ length: rows }, (_, i) => row(`COMMUNE ${i + 1}`, `Collège ${i + 1}`, '1')),
      footer: [row('TOTAL', '', String(rows))],
    }),
  ]);

/**
 * The product's `layoutDocument` (patched once a PDF was printed), for a test to wrap with an
 * observer; put back after each test.
 */
let patched: LayoutBuilder['layoutDocument'] | undefined;
const productLayout = async (): Promise<LayoutBuilder['layoutDocument']> => {
  await renderPdf(longTable(1));
  return (patched = builder.layoutDocument);
};
const productBuildNextLine = builder.buildNextLine;
afterEach(() => {
  if (patched) builder.layoutDocument = patched;
  builder.buildNextLine = productBuildNextLine;
});

describe('PDF memory of large tables', () => {
  it('releases each laid-out page once drawn, then the content and the pages themselves, and loses no row', async () => {
    // Observes what pdfmake lays out, around the product's patch (installed on first use).
    const layout = await productLayout();
    const seen: { content?: unknown[]; pages?: unknown[]; heldAtPageStart: number[] } = { heldAtPageStart: [] };
    builder.layoutDocument = function (this: LayoutBuilder, content, pdf, ...rest) {
      const pages = layout.call(this, content, pdf, ...rest);
      seen.content = content as unknown[];
      seen.pages = pages;
      // When each page starts, how many laid-out pages are still held.
      pdf.on('pageAdded', () => seen.heldAtPageStart.push(pages.filter((p) => p !== undefined).length));
      return pages;
    };
    const bytes = await renderPdf(longTable(300));

    const pages = seen.heldAtPageStart.length;
    expect(pages).toBeGreaterThan(5);
    // Page k starts with pages k+1… still to draw: the pages before it are gone.
    expect(seen.heldAtPageStart).toEqual(Array.from({ length: pages }, (_, k) => pages - k));
    expect(seen.pages).toEqual([]);
    expect(seen.content).toEqual([]);
    // Every row is printed, in order.
    const text = (await pdfText(bytes)).join('\n');
    const numbers = [...text.matchAll(/Collège (\d+)/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(text).toContain('TOTAL');
  });

  it('pushes pdfkit output in blocks, not piece by piece', async () => {
    const layout = await productLayout();
    let chunks = 0;
    let size = 0;
    builder.layoutDocument = function (this: LayoutBuilder, content, pdf, ...rest) {
      (pdf as unknown as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
        chunks++;
        size += chunk.length;
      });
      return layout.call(this, content, pdf, ...rest);
    };
    const bytes = await renderPdf(longTable(300));
    expect(size).toBe(bytes.byteLength);
    // Unpatched, pdfkit pushes each object in three pieces or more: thousands for this table.
    expect(chunks).toBeLessThanOrEqual(Math.ceil(size / BLOCK_BYTES) + 1);
    expect(new TextDecoder('latin1').decode(bytes.subarray(0, 8))).toBe('%PDF-1.4');
  });

  it('keeps leaner laid-out records: pieces without null styles, lines and text nodes with lists of their own', async () => {
    const layout = await productLayout();
    const nextLine = builder.buildNextLine;
    // The lists as pdfmake builds them: each line's pieces, and each text node's pieces to place.
    const built = new Map<Line, unknown[]>();
    const toPlace = new Map<TextNode, unknown[] | undefined>();
    builder.buildNextLine = function (this: LayoutBuilder, node) {
      if (!toPlace.has(node)) toPlace.set(node, node._inlines);
      const line = nextLine.call(this, node);
      if (line) built.set(line, line.inlines);
      return line;
    };
    const placed: Line[] = [];
    builder.layoutDocument = function (this: LayoutBuilder, content, pdf, ...rest) {
      const pages = layout.call(this, content, pdf, ...rest) as { items: { type: string; item: Line }[] }[];
      for (const page of pages) for (const { type, item } of page.items) if (type === 'line') placed.push(item);
      return pages;
    };
    const bytes = await renderPdf(longTable(200));

    const pieces = placed.flatMap((line) => line.inlines);
    expect(pieces.length).toBeGreaterThan(600);
    // pdfmake sets `decoration`, `link`, `background`… to null on every piece: left out.
    expect(pieces.filter((piece) => Object.values(piece).includes(null))).toEqual([]);
    for (const piece of pieces) expect(piece).toMatchObject({ font: expect.anything(), fontSize: expect.any(Number), width: expect.any(Number), x: expect.any(Number) });
    // Each placed line holds its pieces in a list of its own, copied to its length.
    const body = placed.filter((line) => built.has(line));
    expect(body.length).toBeGreaterThan(600);
    for (const line of body) {
      expect(line.inlines).not.toBe(built.get(line));
      expect(line.inlines).toEqual(built.get(line));
    }
    // Each text node laid out has a new, empty list of pieces to place, and its positions.
    expect(toPlace.size).toBeGreaterThan(600);
    for (const [node, measured] of toPlace) {
      expect(node._inlines).toEqual([]);
      expect(node._inlines).not.toBe(measured);
      expect(node.positions?.length).toBeGreaterThan(0);
    }
    const text = (await pdfText(bytes)).join('\n');
    expect([...text.matchAll(/Collège (\d+)/g)].map((m) => Number(m[1]))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it(`collects the heap while drawing, every ${COLLECT_EVERY} pages`, async () => {
    await renderPdf(longTable(1));
    const forced: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const { kind, flags } = (entry as PerformanceEntry & { detail: { kind: number; flags: number } }).detail;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR && (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced.push(entry);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      let pages = 0;
      const layout = await productLayout();
      builder.layoutDocument = function (this: LayoutBuilder, content, pdf, ...rest) {
        pdf.on('pageAdded', () => pages++);
        return layout.call(this, content, pdf, ...rest);
      };
      // Some 39 rows per page: more pages than COLLECT_EVERY.
      await renderPdf(longTable(Math.ceil(COLLECT_EVERY * 45)));
      await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries are delivered asynchronously
      expect(pages).toBeGreaterThan(COLLECT_EVERY);
      expect(forced.length).toBeGreaterThanOrEqual(Math.floor((pages - 1) / COLLECT_EVERY));
    } finally {
      observer.disconnect();
    }
  });
});
