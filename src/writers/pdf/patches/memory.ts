/**
 * Patches of pdfmake's layout and renderer (internal `pdfmake/js/LayoutBuilder.js`,
 * `pdfmake/js/Renderer.js`) and of pdfkit's output (internal `PDFDocument._write`) for the
 * memory of large documents: the list annex at 100,000 rows is some 2,000 pages, which pdfmake
 * lays out whole before drawing the first (the running footer needs the page count), and pdfkit
 * hands over only once everything is drawn.
 *
 * - Content released once laid out (`LayoutBuilder.layoutDocument`): pdfmake keeps the
 *   definition's content, which it has measured and annotated node by node (positions, the
 *   `pageBreakBefore` information of every node), alive while it draws; once laid out, what
 *   remains to draw is in the pages. The content array is emptied and the builder's list of nodes
 *   dropped (upstream: bpampuch/pdfmake#2540, "Incremental PDF page creation for use with very
 *   large document creation", open).
 * - Pages released once drawn (`Renderer.renderPages`): pdfmake keeps every laid-out page until
 *   the pdfkit document is garbage (`_pdfMakePages`, "TODO: Why?" in its source), that is while
 *   the structure tree is written and the document ended. Each page is released as the next one
 *   starts, and none is kept after drawing (same upstream issue).
 * - Output in blocks (`PDFDocument._write`): pdfkit pushes each piece of the file (`12 0 obj`, a
 *   dictionary, `endobj`, a content stream…) into its Readable stream as a Buffer of its own, and
 *   the stream keeps them all until read, which is after drawing (upstream: foliojs/pdfkit#1180,
 *   "doc.addPage() doesn't seem to flush", and foliojs/pdfkit#269, pushes ignore the stream's
 *   high-water mark): some two million small Buffers for that annex. The pieces are copied into
 *   blocks of `BLOCK_BYTES`, each pushed once full and the last before the stream ends; the bytes
 *   and their offsets (`_offset`, for the cross-reference table) are those pdfkit writes.
 * - Collected while drawing: the pages released are garbage that V8 would only collect once its
 *   heap has grown by as much again (the layout of the list annex at 100,000 rows: 2.2 GiB at its
 *   peak, 1.7 GiB when collected every 100 pages, measured by `npm run bench`). A full
 *   collection is asked of V8 every `COLLECT_EVERY` pages drawn (`--expose-gc`, set at run time,
 *   reaching `gc` through a new context); a document of fewer pages draws as before. Each full
 *   collection of that heap costs a good part of a second: the same annex (2,565 pages, PDF and
 *   DOCX, with today's leaner records) took 56.5 s and 1,406 MiB at most collected every 100
 *   pages, 47.4 s and 1,433 MiB every 300, 46.0 s and 1,452 MiB every 500, 44.8 s and 1,476 MiB
 *   every 700, 42.9 s and 1,509 MiB every 1,000 (one run each, idle machine): 700 keeps some
 *   60 MiB under issue 11's 1.5 GiB.
 *
 * - Leaner laid-out records (`TextInlines.measure`, `ElementWriter.addLine`,
 *   `LayoutBuilder.processLeaf`): what pdfmake holds per table cell until the last page is laid
 *   out, some 14 KB a row of the list annex in all (heap snapshots of 3,000 and 20,000 rows at
 *   the end of layout), is trimmed of what no later step reads, so that the peak at the end of
 *   layout is lower (same upstream issue):
 *   - each measured piece of text (an inline, drawn as it is) is copied without the style
 *     properties pdfmake sets to `null` for "none" (`decoration`, `background`, `link`,
 *     `fontFeatures`, `noWrap`…, ten of its twenty-five): every reader of them (layout,
 *     `TextDecorator`, `Renderer`, pdfkit's `text` options) tests them for truth or `!= null`,
 *     and `patches/hyphenation.ts` compares pieces that are all copied alike;
 *   - each placed line's list of pieces is copied to its length (an array grown by `push` keeps
 *     room for 17);
 *   - each text node, once laid out, gets a new empty list of pieces to place (the emptied one
 *     keeps the room of the pieces it held) and its list of positions copied to its length.
 *   Nothing read later changes: a piece, a line or a position object stays the same object.
 *
 * Pinned by test/pdf-memory.test.ts and by the golden hashes (test/golden.test.ts).
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Size of the blocks pdfkit's output is pushed in, bytes. */
export const BLOCK_BYTES = 1 << 20;

/** Pages drawn between two full collections of the heap. */
export const COLLECT_EVERY = 700;

let collector: (() => void) | undefined;

/** V8's full collection (`gc` of `--expose-gc`), exposed on first use. */
function collect(): void {
  if (collector === undefined) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
}

/** pdfkit's document (internal), as far as patched. */
interface PdfkitWriter {
  _offset: number;
  _write(data: unknown): void;
  push(chunk: Buffer | null, encoding?: BufferEncoding): boolean;
  addPage(...args: unknown[]): unknown;
  _pdfMakePages?: unknown;
  [PENDING]?: { block: Buffer; used: number };
}

/** pdfmake's `Renderer` (internal), as far as wrapped. */
interface PdfmakeRenderer {
  readonly pdfDocument: PdfkitWriter;
  renderPages(pages: unknown[]): void;
}

/** pdfmake's `LayoutBuilder` (internal), as far as wrapped. */
interface PdfmakeLayoutBuilder {
  linearNodeList: unknown[];
  layoutDocument(content: unknown, ...rest: unknown[]): unknown[];
}

/** pdfmake's `TextInlines` (internal), as far as wrapped. */
interface PdfmakeTextInlines {
  measure(array: Record<string, unknown>[], ...rest: unknown[]): Record<string, unknown>[];
}

/** pdfmake's `ElementWriter` (internal), as far as wrapped. */
interface PdfmakeElementWriter {
  addLine(line: { inlines?: unknown }, ...rest: unknown[]): unknown;
}

/** pdfmake's `LayoutBuilder` (internal) as it lays out a text node, as far as wrapped. */
interface PdfmakeLeafBuilder {
  processLeaf(node: { _inlines?: unknown; positions?: unknown }): void;
}

/** A measured piece of text without its properties set to `null` (see the module's comment). */
function leanInline(inline: Record<string, unknown>): Record<string, unknown> {
  const lean: Record<string, unknown> = {};
  // for…in rather than Object.keys: the same keys in the same order (a piece is a plain object,
  // nothing enumerable inherited), read from V8's cache of its keys without making a list of
  // them per piece (some 80,000 pieces for a list annex of 10,000 rows).
  for (const key in inline) {
    const value = inline[key];
    if (value !== null) lean[key] = value;
  }
  return lean;
}

/** The block being filled, on each pdfkit document. */
const PENDING = Symbol('alsesPendingOutput');

const require = createRequire(import.meta.url);

/** Pushes the block being filled, if it holds anything. */
function flush(doc: PdfkitWriter): void {
  const pending = doc[PENDING];
  if (pending === undefined || pending.used === 0) return;
  doc[PENDING] = undefined;
  Readable.prototype.push.call(doc, pending.block.subarray(0, pending.used));
}

/** Copies a piece of the file into the block being filled: the bytes pdfkit's `_write` pushes. */
function writeBlock(doc: PdfkitWriter, data: unknown): void {
  // pdfkit writes a Buffer as it is, anything else as text + "\n" in Latin-1 ('binary').
  const bytes = Buffer.isBuffer(data) ? data : undefined;
  const text = bytes === undefined ? `${String(data)}\n` : '';
  const length = bytes === undefined ? text.length : bytes.length;
  let pending = doc[PENDING];
  if (pending !== undefined && pending.used + length > pending.block.length) {
    flush(doc);
    pending = undefined;
  }
  if (length > BLOCK_BYTES / 2) {
    flush(doc);
    Readable.prototype.push.call(doc, bytes ?? Buffer.from(text, 'latin1'));
  } else {
    pending ??= doc[PENDING] = { block: Buffer.allocUnsafe(BLOCK_BYTES), used: 0 };
    if (bytes === undefined) pending.block.write(text, pending.used, length, 'latin1');
    else bytes.copy(pending.block, pending.used);
    pending.used += length;
  }
  doc._offset += length;
}

let installed = false;

/**
 * Once per process: installs the patches above on the pdfmake and pdfkit that the PDF
 * writer uses.
 * @throws Error when pdfmake's or pdfkit's internals are no longer as patched (an upgrade).
 */
export function releaseMemoryEarly(): void {
  if (installed) return;
  // pdfkit as pdfmake requires it (its CommonJS build).
  const doc = (createRequire(require.resolve('pdfmake'))('pdfkit') as { prototype: PdfkitWriter }).prototype;
  const builder = (require('pdfmake/js/LayoutBuilder.js') as { default?: { prototype: PdfmakeLayoutBuilder } }).default?.prototype;
  const renderer = (require('pdfmake/js/Renderer.js') as { default?: { prototype: PdfmakeRenderer } }).default?.prototype;
  if (typeof doc._write !== 'function' || typeof doc.push !== 'function' || typeof doc.addPage !== 'function') {
    throw new Error('pdfkit PDFDocument: _write, push or addPage missing (pdfkit upgrade?)');
  }
  if (typeof builder?.layoutDocument !== 'function' || typeof renderer?.renderPages !== 'function') {
    throw new Error('pdfmake LayoutBuilder.layoutDocument or Renderer.renderPages missing (pdfmake upgrade?)');
  }
  const inlines = (require('pdfmake/js/TextInlines.js') as { default?: { prototype: PdfmakeTextInlines } }).default?.prototype;
  const writer = (require('pdfmake/js/ElementWriter.js') as { default?: { prototype: PdfmakeElementWriter } }).default?.prototype;
  const leaves = builder as unknown as PdfmakeLeafBuilder;
  if (typeof inlines?.measure !== 'function' || typeof writer?.addLine !== 'function' || typeof leaves.processLeaf !== 'function') {
    throw new Error('pdfmake TextInlines.measure, ElementWriter.addLine or LayoutBuilder.processLeaf missing (pdfmake upgrade?)');
  }

  doc._write = function (this: PdfkitWriter, data: unknown) {
    writeBlock(this, data);
  };
  const push = doc.push;
  doc.push = function (this: PdfkitWriter, chunk: Buffer | null, encoding?: BufferEncoding) {
    if (chunk === null) flush(this); // the stream ends: the last block first
    return push.call(this, chunk, encoding);
  };

  const { measure } = inlines;
  inlines.measure = function (this: PdfmakeTextInlines, array, ...rest) {
    const measured = measure.call(this, array, ...rest);
    for (let i = 0; i < measured.length; i++) measured[i] = leanInline(measured[i]!);
    return measured;
  };
  const { addLine } = writer;
  writer.addLine = function (this: PdfmakeElementWriter, line, ...rest) {
    const placed = addLine.call(this, line, ...rest);
    if (placed !== false && Array.isArray(line.inlines)) line.inlines = line.inlines.slice();
    return placed;
  };
  const { processLeaf } = leaves;
  leaves.processLeaf = function (this: PdfmakeLeafBuilder, node) {
    processLeaf.call(this, node);
    if (Array.isArray(node._inlines) && node._inlines.length === 0) node._inlines = [];
    if (Array.isArray(node.positions)) node.positions = node.positions.slice();
  };

  const { layoutDocument } = builder;
  builder.layoutDocument = function (this: PdfmakeLayoutBuilder, content: unknown, ...rest: unknown[]) {
    const pages = layoutDocument.call(this, content, ...rest);
    this.linearNodeList = [];
    if (Array.isArray(content)) content.length = 0;
    return pages;
  };

  const { renderPages } = renderer;
  renderer.renderPages = function (this: PdfmakeRenderer, pages: unknown[]) {
    const pdf = this.pdfDocument;
    const addPage = pdf.addPage;
    let started = 0;
    // pdfmake starts each page it draws with addPage: the page before is drawn.
    pdf.addPage = function (this: PdfkitWriter, ...args: unknown[]) {
      if (started > 0) pages[started - 1] = undefined;
      if (started > 0 && started % COLLECT_EVERY === 0) collect();
      started++;
      return addPage.apply(this, args);
    };
    try {
      renderPages.call(this, pages);
    } finally {
      delete (pdf as Partial<PdfkitWriter>).addPage;
      delete pdf._pdfMakePages;
      pages.length = 0;
    }
  };
  installed = true;
}
