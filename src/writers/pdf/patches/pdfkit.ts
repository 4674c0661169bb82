/**
 * The parts of pdfkit 0.19 the PDF writer touches on the document pdfmake hands over
 * (`pdfmake.createPdf(definition).getStream()`), typed here as pdfkit ships no types for them.
 * Public API (structure and marked content, `appendXML`) and internals (`_addInfo`, `outline`,
 * `dictionary.data`) are told apart: internals are only reached from `patches/`.
 */

/** A page of the document. */
export interface PdfkitPage {
  /** The page's dictionary (a reference to it is what destinations and structure elements name). */
  readonly dictionary: unknown;
  /** Height of the page, in points. */
  readonly height: number;
}

/** An outline item (internal): pdfkit writes `/Count` from `options.expanded` alone. */
export interface PdfkitOutline {
  options: { expanded?: boolean };
  outlineData: { Count?: number };
  children: PdfkitOutline[];
}

/** A structure element as `struct` returns it; `dictionary.data` is internal. */
export interface PdfkitStructElement {
  readonly dictionary: { data: Record<string, unknown> };
}

/** The pdfkit document. */
export interface PdfkitDocument {
  readonly options: { tagged?: boolean };
  readonly page: PdfkitPage;
  /** Document properties, as written in the Info dictionary. */
  info: Record<string, unknown>;
  /** Root of the outline (internal). */
  outline: PdfkitOutline;
  markContent(tag: string, options?: Record<string, unknown>): unknown;
  markStructureContent(tag: string): unknown;
  endMarkedContent(): unknown;
  struct(type: string, options: Record<string, unknown>, children: unknown[]): PdfkitStructElement;
  addStructure(element: unknown): unknown;
  appendXML(xml: string, newline?: boolean): void;
  /** Appends the XMP of the document properties (internal; called by `end()`). */
  _addInfo(): void;
}
