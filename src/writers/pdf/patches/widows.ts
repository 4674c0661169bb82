/**
 * Patch of pdfmake's line builder (internal `pdfmake/js/LayoutBuilder.js`, `buildNextLine`) for
 * widow and orphan control of body paragraphs.
 *
 * pdfmake 0.3 breaks a paragraph after its last line that fits on the page, whatever is left on
 * either side: its first line alone at the foot of a page (an orphan) or its last line alone at
 * the top of the next (a widow). Its `pageBreakBefore` hook only moves a whole node, and tells
 * neither how many lines stand on each page nor which line to break before (upstream:
 * bpampuch/pdfmake#1944, "Preventing Widows in long paragraphs", open). pdfmake builds the lines
 * of a text one at a time (`buildNextLine`), each placed on the page (on the next one when it
 * does not fit) before the next is built. This patch, for the nodes of the body paragraphs' style
 * outside unbreakable blocks, when a paragraph's first line on a page is built and the paragraph
 * will not end on that page: builds the lines that follow, to count those that fit on the page
 * and those left over, then gives the text back to pdfmake as it was, and
 * - when fewer than `MIN_LINES` lines of a paragraph's start fit, starts the paragraph on the next
 *   page (orphan);
 * - when fewer than `MIN_LINES` lines would be left over, breaks the page that many lines earlier
 *   (widow), or starts the paragraph on the next page when that would leave an orphan.
 * Lines are moved to the next page as pdfmake moves a line that does not fit
 * (`PageElementWriter.moveToNextPage`, before the line is placed).
 * Pinned by test/pagination.test.ts ("PDF paragraphs").
 */
import { createRequire } from 'node:module';

/** Fewest lines of a paragraph at the foot of a page and at the top of the next. */
export const MIN_LINES = 2;

/** A line as pdfmake builds it (internal `Line`). */
interface PdfmakeLine {
  inlines: unknown[];
  getHeight(): number;
}

/** A text node as pdfmake lays it out: its style, the pieces left to place, and the lines placed. */
interface PdfmakeTextNode {
  style?: unknown;
  _inlines?: unknown[];
  positions: { pageNumber: number }[];
  pageOrientation?: string;
  /** Set here: how many of the node's lines go on the current page before a break. */
  alsesBreakAfter?: number;
}

interface PdfmakeContext {
  page: number;
  y: number;
  availableHeight: number;
  pageMargins: { top: number };
}

/** pdfmake's internal `LayoutBuilder`, the parts used here. */
interface LayoutBuilder {
  writer: { transactionLevel: number; context(): PdfmakeContext; moveToNextPage(orientation?: string): void };
  buildNextLine(node: PdfmakeTextNode): PdfmakeLine | null;
}

/**
 * Where to break a paragraph whose line `line` is the first of the paragraph on the page:
 * `'next'` (start on the next page), a number of lines to place on this page before breaking, or
 * `undefined` (as pdfmake does). Builds the lines after `line`, then gives their pieces back.
 */
function plan(builder: LayoutBuilder, node: PdfmakeTextNode, line: PdfmakeLine, start: boolean): 'next' | number | undefined {
  const build = builder.buildNextLine.bind(builder);
  let room = builder.writer.context().availableHeight - line.getHeight();
  let fit = 1;
  let over = 0;
  const built: PdfmakeLine[] = [];
  for (let next = build(node); next !== null; next = over < MIN_LINES ? build(node) : null) {
    built.push(next);
    if (over === 0 && next.getHeight() <= room) {
      room -= next.getHeight();
      fit++;
    } else over++;
  }
  node._inlines = [...built.flatMap((l) => l.inlines), ...(node._inlines ?? [])];
  if (over === 0) return undefined;
  if (start && fit < MIN_LINES) return 'next';
  if (over >= MIN_LINES) return undefined;
  const keep = fit - (MIN_LINES - over);
  return keep < (start ? MIN_LINES : 1) ? 'next' : keep;
}

let installed = false;

/**
 * Wraps pdfmake's `LayoutBuilder.buildNextLine` for widow and orphan control of the text nodes of
 * style `style` (see the module's comment), once per process.
 * @throws Error when pdfmake no longer has it (pdfmake upgrade).
 */
export function installWidowControl(style: string): void {
  if (installed) return;
  const require = createRequire(import.meta.url);
  const builder = (require('pdfmake/js/LayoutBuilder.js') as { default?: { prototype: LayoutBuilder } }).default?.prototype;
  if (!builder || typeof builder.buildNextLine !== 'function') throw new Error('pdfmake LayoutBuilder.buildNextLine missing (pdfmake upgrade?)');
  const { buildNextLine } = builder;
  let planning = false;
  builder.buildNextLine = function (this: LayoutBuilder, node: PdfmakeTextNode) {
    const line = buildNextLine.call(this, node);
    if (line === null || planning || node.style !== style || this.writer.transactionLevel > 0) return line;
    if (node.positions.length === 0) node.alsesBreakAfter = undefined; // a decision of an earlier layout
    const context = this.writer.context();
    const here = node.positions.filter((p) => p.pageNumber === context.page + 1).length;
    const atTop = context.y <= context.pageMargins.top;
    if (here === 0 && line.getHeight() <= context.availableHeight) {
      planning = true;
      try {
        const decision = plan(this, node, line, node.positions.length === 0);
        if (decision === 'next') {
          if (!atTop) this.writer.moveToNextPage(node.pageOrientation);
        } else node.alsesBreakAfter = decision;
      } finally {
        planning = false;
      }
    } else if (here > 0 && here === node.alsesBreakAfter) {
      node.alsesBreakAfter = undefined;
      this.writer.moveToNextPage(node.pageOrientation);
    }
    return line;
  };
  installed = true;
}
