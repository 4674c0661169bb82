/**
 * Patch of a pdfkit structure element (internal `dictionary.data`): table attributes (ISO
 * 32000-1 § 14.8.5.7) and a figure's Layout attribute `/BBox` (§ 14.8.5.4, Table 344). pdfkit's `struct` options know no attribute object, and its own `scope`
 * cannot carry ColSpan (upstream: no foliojs/pdfkit issue found for structure attributes). Pinned by
 * test/writers.test.ts ("tags the structure: lists, spanning cells, …", `/ColSpan 2`).
 */
import type { PdfkitStructElement } from './pdfkit.ts';

/**
 * Sets the Table attribute object (`/A << /O /Table … >>`) of a TH or TD element: its scope
 * (header cells) and the columns it spans, when more than one. Call it before the element is
 * written, that is before its parent adopts it.
 */
export function setTableAttributes(element: PdfkitStructElement, attributes: { scope?: 'Column'; colSpan?: number }): void {
  const { scope, colSpan } = attributes;
  if (!scope && !colSpan) return;
  element.dictionary.data.A = { O: 'Table', ...(scope ? { Scope: scope } : {}), ...(colSpan ? { ColSpan: colSpan } : {}) };
}

/**
 * Sets the Layout attribute object (`/A << /O /Layout /BBox [left bottom right top] >>`) of a
 * Figure element: the rectangle it is drawn in, in PDF units. Call it before the element is written.
 */
export function setLayoutBBox(element: PdfkitStructElement, bbox: readonly [number, number, number, number]): void {
  element.dictionary.data.A = { O: 'Layout', BBox: [...bbox] };
}
