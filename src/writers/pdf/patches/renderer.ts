/**
 * Patch of pdfmake's renderer (internal `pdfmake/js/Renderer.js`) for tagged PDF and bookmarks.
 *
 * - Marked content: pdfmake 0.3 has no tagged PDF of its own (upstream: bpampuch/pdfmake#942,
 *   "PDF Accessibility (PDF/UA)"); it passes `tagged: true` to pdfkit but draws lines, vectors and
 *   images without marking any content. Each drawing method is wrapped to draw inside the
 *   marked-content sequence of the structure node the pdfmake node carries (`tags.ts`), or as an
 *   artifact. Pinned by test/accessibility.test.ts ("is tagged: …", "tags each table cell …")
 *   and test/writers.test.ts ("tags the structure: …").
 * - Bookmark destinations: pdfmake's outline (upstream: bpampuch/pdfmake#427) points each
 *   bookmark at the top-right corner of its page; the wrapped `renderLine` points a heading's
 *   bookmark at the left edge and top of the heading's first line. Pinned by
 *   test/writers.test.ts ("points each bookmark at its heading …") and
 *   test/accessibility.test.ts ("has bookmarks for its headings …").
 * - List labels: pdfmake builds each item's bullet (a vector) or number (a line of its own) in
 *   `DocMeasure` from the item node, and draws it apart from the item's text. The two marker
 *   builders are wrapped to hang the `Lbl` node the item carries (`LABEL_KEY`) on what they build,
 *   so that the renderer draws the marker as the item's label instead of an artifact. Pinned by
 *   test/pdfua.test.ts ("tags each list item's bullet or number as Lbl …").
 * - Figure bounding boxes: the wrapped `renderImage` and `renderSVG` note the rectangle they draw
 *   on the Figure node (`bbox`, PDF units), for its Layout attribute `/BBox`. Pinned by
 *   test/pdfua.test.ts ("gives each chart Figure the /BBox it is drawn in").
 */
import { createRequire } from 'node:module';
import { drawMarked, LABEL_KEY, STRUCTURE_KEY, type StructNode, type StructureMark } from '../tags.ts';
import type { PdfkitDocument } from './pdfkit.ts';

/** A line as pdfmake's renderer draws it (internal). */
interface PdfmakeLine {
  readonly inlines?: readonly Record<string, unknown>[];
  readonly _outline?: { id?: string };
}

/** pdfmake's `Renderer` (internal), as far as wrapped. */
interface PdfmakeRenderer {
  readonly pdfDocument: PdfkitDocument;
  readonly outlineMap: Record<string, { outlineData: { Dest?: unknown[] } } | undefined>;
  renderLine(line: PdfmakeLine, x: number, y: number): void;
  renderVector(vector: unknown): void;
  renderImage(image: Record<string, unknown>): void;
  renderSVG(svg: Record<string, unknown>): void;
}

/** A list marker as pdfmake's `DocMeasure` builds it (internal): a bullet vector or a number's inlines. */
interface PdfmakeMarker {
  readonly canvas?: Record<string, unknown>[];
  readonly _inlines?: Record<string, unknown>[];
}

/** pdfmake's `DocMeasure` (internal), as far as wrapped. */
interface PdfmakeDocMeasure {
  buildUnorderedMarker(item: Record<string, unknown>, ...rest: unknown[]): PdfmakeMarker;
  buildOrderedMarker(item: Record<string, unknown>, ...rest: unknown[]): PdfmakeMarker;
}

/** Hangs the `Lbl` node a list item carries on the marker pdfmake built for it. */
function labelMarker(item: Record<string, unknown>, marker: PdfmakeMarker): PdfmakeMarker {
  const label = item[LABEL_KEY] as StructNode | undefined;
  if (label === undefined) return marker;
  for (const drawn of [marker.canvas?.[0], marker._inlines?.[0]]) if (drawn) drawn[STRUCTURE_KEY] = label;
  // A bullet is a drawn disc: its text for assistive technology is the bullet character.
  if (marker.canvas?.[0]) label.actual = '•';
  return marker;
}

/** Notes on a Figure node the rectangle drawn for it, in PDF units (origin at the page's bottom left). */
function noteBox(pdf: PdfkitDocument, mark: StructureMark | undefined, box: Record<string, unknown>): void {
  if (typeof mark !== 'object' || mark.role !== 'Figure') return;
  const [x, y, w, h] = [box.x, box.y, box._width, box._height].map(Number) as [number, number, number, number];
  if (![x, y, w, h].every(Number.isFinite)) return;
  const round = (n: number) => Math.round(n * 100) / 100;
  mark.bbox = [round(x), round(pdf.page.height - y - h), round(x + w), round(pdf.page.height - y)];
}

let installed = false;

/**
 * Wraps the drawing methods of pdfmake's `Renderer` (the class pdfmake itself requires, so the
 * same module instance) to mark content, once per process. Inert for documents that are not
 * tagged and for nodes without a structure mark.
 * @throws Error when pdfmake's renderer no longer has the methods wrapped (pdfmake upgrade).
 */
export function installStructureMarking(): void {
  if (installed) return;
  const module = createRequire(import.meta.url)('pdfmake/js/Renderer.js') as { default?: { prototype: PdfmakeRenderer } };
  const proto = module.default?.prototype;
  if (!proto || ['renderLine', 'renderVector', 'renderImage', 'renderSVG'].some((m) => typeof proto[m as keyof PdfmakeRenderer] !== 'function')) {
    throw new Error('pdfmake Renderer: renderLine, renderVector, renderImage or renderSVG missing (pdfmake upgrade?)');
  }
  const { renderLine, renderVector, renderImage, renderSVG } = proto;
  const measure = (createRequire(import.meta.url)('pdfmake/js/DocMeasure.js') as { default?: { prototype: PdfmakeDocMeasure } }).default?.prototype;
  if (!measure || typeof measure.buildUnorderedMarker !== 'function' || typeof measure.buildOrderedMarker !== 'function') {
    throw new Error('pdfmake DocMeasure: buildUnorderedMarker or buildOrderedMarker missing (pdfmake upgrade?)');
  }
  const { buildUnorderedMarker, buildOrderedMarker } = measure;
  measure.buildUnorderedMarker = function (this: PdfmakeDocMeasure, item, ...rest) {
    return labelMarker(item, buildUnorderedMarker.call(this, item, ...rest));
  };
  measure.buildOrderedMarker = function (this: PdfmakeDocMeasure, item, ...rest) {
    return labelMarker(item, buildOrderedMarker.call(this, item, ...rest));
  };

  proto.renderLine = function (this: PdfmakeRenderer, line, x, y) {
    const mark = line.inlines?.[0]?.[STRUCTURE_KEY] as StructureMark | undefined;
    drawMarked(this.pdfDocument, mark, () => renderLine.call(this, line, x, y));
    // A heading's bookmark leads to the heading: left edge and top of its first line.
    const id = line._outline?.id;
    const bookmark = id === undefined || mark === undefined ? undefined : this.outlineMap[id];
    if (bookmark) bookmark.outlineData.Dest = [this.pdfDocument.page.dictionary, 'XYZ', x, this.pdfDocument.page.height - y, null];
  };
  // Vectors are table borders and fills (artifacts), or a list item's bullet (its Lbl).
  proto.renderVector = function (this: PdfmakeRenderer, vector) {
    drawMarked(this.pdfDocument, (vector as Record<string, unknown>)[STRUCTURE_KEY] as StructureMark | undefined, () => renderVector.call(this, vector));
  };
  proto.renderImage = function (this: PdfmakeRenderer, image) {
    const mark = image[STRUCTURE_KEY] as StructureMark | undefined;
    noteBox(this.pdfDocument, mark, image);
    drawMarked(this.pdfDocument, mark, () => renderImage.call(this, image));
  };
  proto.renderSVG = function (this: PdfmakeRenderer, svg) {
    const mark = svg[STRUCTURE_KEY] as StructureMark | undefined;
    noteBox(this.pdfDocument, mark, svg);
    drawMarked(this.pdfDocument, mark, () => renderSVG.call(this, svg));
  };
  installed = true;
}
