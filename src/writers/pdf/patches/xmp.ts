/**
 * Patch of pdfkit's document (internal `_addInfo`): the XMP packet of the document properties.
 * pdfkit 0.19 pastes Title, Author, Subject, Creator and Producer into the XMP as they are, so a
 * title holding `&` or `<` makes the packet ill-formed XML (Preflight: 7.1 "Error while parsing
 * the metadata"), and writes no `xmp:ModifyDate` (upstream: no foliojs/pdfkit issue found; its
 * PDF/A thread is foliojs/pdfkit#369). Pinned by test/pdfa.test.ts ("escapes the title, subject
 * and author in XMP, …") and Preflight on every PDF.
 */
import type { PdfkitDocument } from './pdfkit.ts';

/**
 * Makes pdfkit write `xmp(pdf.info)` as the XMP of the document properties when the document is
 * ended (pdfkit calls `_addInfo` from `end()`, after it has written the Info dictionary, which
 * is left as pdfkit writes it).
 */
export function replaceXmpInfo(pdf: PdfkitDocument, xmp: (info: Readonly<Record<string, unknown>>) => string): void {
  pdf._addInfo = () => pdf.appendXML(xmp(pdf.info));
}
