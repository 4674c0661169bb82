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
 */
import { createRequire } from 'node:module';
import { drawMarked, STRUCTURE_KEY, type StructureMark } from '../tags.ts';
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

  proto.renderLine = function (this: PdfmakeRenderer, line, x, y) {
    const mark = line.inlines?.[0]?.[STRUCTURE_KEY] as StructureMark | undefined;
    drawMarked(this.pdfDocument, mark, () => renderLine.call(this, line, x, y));
    // A heading's bookmark leads to the heading: left edge and top of its first line.
    const id = line._outline?.id;
    const bookmark = id === undefined || mark === undefined ? undefined : this.outlineMap[id];
    if (bookmark) bookmark.outlineData.Dest = [this.pdfDocument.page.dictionary, 'XYZ', x, this.pdfDocument.page.height - y, null];
  };
  proto.renderVector = function (this: PdfmakeRenderer, vector) {
    drawMarked(this.pdfDocument, undefined, () => renderVector.call(this, vector));
  };
  proto.renderImage = function (this: PdfmakeRenderer, image) {
    drawMarked(this.pdfDocument, image[STRUCTURE_KEY] as StructureMark | undefined, () => renderImage.call(this, image));
  };
  proto.renderSVG = function (this: PdfmakeRenderer, svg) {
    drawMarked(this.pdfDocument, svg[STRUCTURE_KEY] as StructureMark | undefined, () => renderSVG.call(this, svg));
  };
  installed = true;
}
