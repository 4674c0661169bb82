/**
 * Patch of pdfmake's layout (internal `pdfmake/js/LayoutBuilder.js`): a layout that the PDF
 * writer is going to discard is not drawn.
 *
 * pdfmake cannot keep given rows of a table together (upstream: bpampuch/pdfmake#994, "Prevent
 * page break between two specific table rows", open), so the writer lays a document out, reads
 * where its layout probe's rows landed, and lays it out again with one more break decided
 * (`keep-together.ts`). pdfmake has no way to lay out without drawing (`createPdf(...).getStream()`
 * does both; upstream: bpampuch/pdfmake#1506, "PDF Page Count", where the page count is only
 * known once drawn): each discarded layout was also drawn, tagged and compressed. The wrapped
 * `LayoutBuilder.layoutDocument` asks, once the pages are laid out and before pdfmake draws them,
 * the question registered for the definition's `pageBreakBefore` hook (`discardLayoutWhen`); when
 * the answer is yes, it throws `LayoutDiscarded`, which rejects `getStream()` before anything is
 * drawn. The layout that is kept is drawn as before, so the bytes are unchanged.
 * Pinned by test/pdf-layout-only.test.ts and by the golden hashes (test/golden.test.ts).
 */
import { createRequire } from 'node:module';

/** pdfmake's `LayoutBuilder` (internal), as far as wrapped. */
interface PdfmakeLayoutBuilder {
  layoutDocument(...args: unknown[]): unknown[];
}

/** Position of the `pageBreakBefore` hook among `layoutDocument`'s arguments (pdfmake 0.3). */
const PAGE_BREAK_BEFORE_ARGUMENT = 8;

/** Thrown out of `createPdf(...).getStream()` when a layout is discarded before it is drawn. */
export class LayoutDiscarded extends Error {
  constructor() {
    super('PDF layout discarded before drawing (laid out again)');
    this.name = 'LayoutDiscarded';
  }
}

/** The question asked after laying out, by the definition's `pageBreakBefore` hook. */
const questions = new WeakMap<object, () => boolean>();

/**
 * Registers, for the definition whose `pageBreakBefore` hook is `hook`, the question asked once its
 * pages are laid out: `true` discards the layout (`getStream()` rejects with `LayoutDiscarded`
 * and nothing is drawn). The question is asked once per layout.
 */
export function discardLayoutWhen(hook: object, discard: () => boolean): void {
  questions.set(hook, discard);
}

let installed = false;

/**
 * Once per process: wraps pdfmake's `LayoutBuilder.layoutDocument` (the class pdfmake itself
 * requires) to ask the registered question before drawing.
 * @throws Error when pdfmake no longer has it (pdfmake upgrade).
 */
export function layOutBeforeDrawing(): void {
  if (installed) return;
  const require = createRequire(import.meta.url);
  const builder = (require('pdfmake/js/LayoutBuilder.js') as { default?: { prototype: PdfmakeLayoutBuilder } }).default?.prototype;
  if (typeof builder?.layoutDocument !== 'function') throw new Error('pdfmake LayoutBuilder.layoutDocument missing (pdfmake upgrade?)');
  const { layoutDocument } = builder;
  builder.layoutDocument = function (this: PdfmakeLayoutBuilder, ...args: unknown[]) {
    const pages = layoutDocument.apply(this, args);
    const hook = args[PAGE_BREAK_BEFORE_ARGUMENT];
    const discard = typeof hook === 'function' ? questions.get(hook) : undefined;
    if (discard?.()) throw new LayoutDiscarded();
    return pages;
  };
  installed = true;
}
